#!/usr/bin/env bash
# Writes a gzipped man page from a program's own --help (and each command's `COMMAND --help`), at
# build time, so the page says what the binary that ships says and cannot drift from it.
#
# Usage: scripts/make-manpage.sh PROGRAM OUT.1.gz VERSION "ONE-LINE DESCRIPTION" [--commands]
#   --commands: the program has commands (neurodx-cli): every word that starts a line of the main
#   help and answers `PROGRAM WORD --help` with help of its own becomes a COMMANDS subsection.
# The date is SOURCE_DATE_EPOCH's (else today) and gzip stores no name or time: same input, same bytes.
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 PROGRAM OUT.1.gz VERSION DESCRIPTION [--commands]" >&2; exit 2; }
program=$1 out=$2 version=$3 description=$4 commands=${5:-}
[ -x "$program" ] || { echo "make-manpage: $program is not an executable" >&2; exit 2; }
name=$(basename "$program")
export LC_ALL=C.UTF-8 COLUMNS=100 QT_QPA_PLATFORM=offscreen

# Run under its installed name (argv[0]): Qt's usage line prints it, and a build path in the page
# would make it differ between build folders.
help_of() { (exec -a "$name" "$program" "$@" --help 2>"$errors"); }
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
main_help=$(help_of) || { echo "make-manpage: '$name --help' failed: $(cat "$errors")" >&2; exit 1; }

# Help text as roff that keeps its layout: a backslash is \e, a leading . or ' is escaped with \&.
as_roff() {
    printf '.nf\n'
    sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" -e 's/-/\\-/g'
    printf '.fi\n'
}

date_epoch=${SOURCE_DATE_EPOCH:-$(date +%s)}
{
    printf '.TH %s 1 "%s" "NeuroDx %s" "User Commands"\n' "$(echo "$name" | tr '[:lower:]' '[:upper:]')" \
        "$(date -u -d "@$date_epoch" +%Y-%m-%d 2>/dev/null || date -u -r "$date_epoch" +%Y-%m-%d)" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$name" "$description"
    printf '.SH DESCRIPTION\nWhat \\fB%s \\-\\-help\\fR prints:\n.PP\n' "$name"
    echo "$main_help" | as_roff
    if [ "$commands" = --commands ]; then
        printf '.SH COMMANDS\n'
        found=0
        # Candidates: the first word of each line indented by 1-4 spaces (after an optional program
        # name), once each; a word is a command when it answers with help of its own.
        for word in $(echo "$main_help" | sed -n -e "s/^ \{1,4\}\($name[[:space:]]\+\)\?\([a-z][a-z0-9-]*\)\([[:space:]].*\)\?$/\2/p" | awk '!seen[$0]++'); do
            help=$(help_of "$word") || continue
            [ -n "$help" ] && [ "$help" != "$main_help" ] || continue
            printf '.SS %s\n' "$word"
            echo "$help" | as_roff
            found=$((found + 1))
        done
        [ $found -gt 0 ] || { echo "make-manpage: no command of $name answered 'COMMAND --help'" >&2; exit 1; }
    fi
    printf '.SH "SEE ALSO"\n\\fBneurodx\\fR(1), \\fBneurodx-cli\\fR(1)\n'
    printf '.SH NOTES\nNeuroDx is research software. It is not a certified medical device and must not be used for diagnosis or treatment decisions.\n'
} | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
