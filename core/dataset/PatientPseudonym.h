#pragma once

#include <filesystem>
#include <string>

namespace neurodx {

// Pseudonyms for patient identifiers that are not ADNI PTIDs (a hospital's PatientID may name a
// person). "pid-" + the first 64 bits of HMAC-SHA-256(key, id) in hex. The key is 32 random bytes
// kept per user outside every dataset and run folder (userPseudonymKeyFile()), created on first
// use and readable by its owner only: the same patient gets the same pseudonym in every run on one
// installation, while someone who holds a run folder but not the key cannot test guessed ids
// against it (plain hashes of short numeric ids are reversed by trying every number).
std::string patientPseudonym(const std::string& patientId);

// HMAC-SHA-256 (RFC 2104, FIPS 180-4) of `message` under `key`, as 64 lowercase hex digits.
std::string hmacSha256Hex(const std::string& key, const std::string& message);

// $NEURODX_PSEUDONYM_KEY when set, else NeuroDx's folder in the user's configuration directory
// (XDG_CONFIG_HOME or ~/.config on Linux, %APPDATA% on Windows, ~/Library/Application Support on
// macOS) / pseudonym.key; empty when the user has no configuration folder (then pseudonyms hold for
// one run, since a shared folder such as /tmp would let another user plant the key).
std::filesystem::path userPseudonymKeyFile();

// Empty, or why pseudonyms are only valid within this process (the key file could not be read or
// created: they then differ between runs). Scans report it.
std::string pseudonymKeyProblem();

} // namespace neurodx
