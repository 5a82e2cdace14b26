// neurodx-cli's help and usage errors: --help lists every command, COMMAND --help shows that one
// command's entry, bad command lines exit with 2 and a message naming the problem.
#include "CliProcess.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

using namespace neurodx::test;

class CliHelpTest : public QObject {
    Q_OBJECT
private slots:
    void version();
    void helpIsPerCommand_data();
    void helpIsPerCommand();
    void badUsageExitsWithTwo_data();
    void badUsageExitsWithTwo();
    void readmeListsWhatHelpLists_data();
    void readmeListsWhatHelpLists();
    void readmeShowsTheTrainingOptionsAsHelpDoes();
};

void CliHelpTest::version()
{
    const CliResult version = runCli({"--version"});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("neurodx-cli "));
    QVERIFY(version.out.contains("not a certified medical device"));
}

void CliHelpTest::helpIsPerCommand_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("shown");
    QTest::addColumn<QStringList>("notShown");
    const QStringList everyCommand{"scan DIR", "split DIR", "info FILE", "synth DIR", "import SRC", "import-model", "train DIR",
                                   "evaluate MODEL", "predict MODEL", "tune DIR", "cv DIR", "audit DIR", "demo", "--freeze-backbone"};
    QTest::newRow("--help") << QStringList{"--help"} << everyCommand + QStringList{"not a certified medical device"} << QStringList{};
    QTest::newRow("scan --help") << QStringList{"scan", "--help"} << QStringList{"neurodx-cli scan", "--entries", "--no-dicom-headers"}
                                 << QStringList{"train DIR", "--freeze-backbone", "--max-epochs"};
    QTest::newRow("train --help") << QStringList{"train", "DIR", "--help"} << QStringList{"neurodx-cli train", "--resume", "--freeze-backbone", "--split-file"}
                                  << QStringList{"scan DIR", "--entries", "--max-epochs"};
    QTest::newRow("help tune") << QStringList{"help", "tune"} << QStringList{"neurodx-cli tune", "--max-epochs", "--freeze-backbone", "--split-file"}
                               << QStringList{"--resume", "predict MODEL"};
    QTest::newRow("audit -h") << QStringList{"audit", "-h"} << QStringList{"Leakage audit", "--image-size", "not a certified medical device"}
                              << QStringList{"--folds", "--entries"};
}

void CliHelpTest::helpIsPerCommand()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, shown);
    QFETCH(QStringList, notShown);
    const CliResult help = runCli(args);
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.err.isEmpty());
    for (const QString& text : shown)
        QVERIFY2(help.out.contains(text.toUtf8()), qPrintable(text + " missing from:\n" + help.out));
    for (const QString& text : notShown)
        QVERIFY2(!help.out.contains(text.toUtf8()), qPrintable(text + " shown in:\n" + help.out));
}

void CliHelpTest::badUsageExitsWithTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList{} << "Usage";
    QTest::newRow("unknown command") << QStringList{"train-everything"} << "unknown command";
    QTest::newRow("unknown option") << QStringList{"scan", ".", "--colour"} << "unknown option --colour";
    QTest::newRow("missing folder") << QStringList{"scan"} << "missing";
    QTest::newRow("no such folder") << QStringList{"scan", "/nonexistent/neurodx"} << "/nonexistent/neurodx: no such folder";
    QTest::newRow("bad mode") << QStringList{"split", ".", "--mode", "random"} << "--mode";
    QTest::newRow("bad ratios") << QStringList{"split", ".", "--ratios", "0.5,0.5"} << "three numbers";
    QTest::newRow("bad seed") << QStringList{"split", ".", "--seed", "x"} << "--seed";
    QTest::newRow("missing file") << QStringList{"info", "/nonexistent/a.dcm"} << "/nonexistent/a.dcm";
}

void CliHelpTest::badUsageExitsWithTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliResult r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
}

namespace {

QSet<QString> optionsIn(const QString& text)
{
    QSet<QString> options;
    static const QRegularExpression option(QStringLiteral("(?<![\\w-])--[a-z][a-z0-9-]*"));
    for (auto it = option.globalMatch(text); it.hasNext();)
        options.insert(it.next().captured());
    // Every command takes these (help says so once, README on some lines), and help itself.
    options.remove(QStringLiteral("--json"));
    options.remove(QStringLiteral("--quiet"));
    options.remove(QStringLiteral("--help"));
    return options;
}

// README's "Command line" block: the lines of `command`, with "[training options]" spelled out.
QString readmeSynopsis(const QString& command, const QString& trainingOptions)
{
    QFile file(QProcessEnvironment::systemEnvironment().value("NEURODX_SOURCE_DIR") + "/README.md");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString readme = QString::fromUtf8(file.readAll());
    const qsizetype start = readme.indexOf("## Command line\n\n```\n");
    const qsizetype end = readme.indexOf("```", start + 20);
    QString text;
    bool inCommand = false;
    for (const QString& line : readme.mid(start, end - start).split('\n')) {
        if (line.startsWith("neurodx-cli "))
            inCommand = line.startsWith("neurodx-cli " + command + " ");
        if (inCommand)
            text += line + "\n";
    }
    return text.replace("[training options]", trainingOptions);
}

} // namespace

void CliHelpTest::readmeListsWhatHelpLists_data()
{
    QTest::addColumn<QString>("command");
    for (const char* command : {"scan", "split", "info", "synth", "import", "import-model", "train", "evaluate", "predict", "tune", "cv", "audit", "demo"})
        QTest::newRow(command) << command;
}

// README's synopsis and `COMMAND --help` name the same options, and the command accepts each of them.
void CliHelpTest::readmeListsWhatHelpLists()
{
    QFETCH(QString, command);
    const CliResult help = runCli({command, "--help"});
    QCOMPARE(help.exitCode, 0);
    const QString helpText = QString::fromUtf8(help.out);
    const qsizetype training = helpText.indexOf("Training options");
    const QString trainingOptions = training >= 0 ? helpText.mid(training) : QString();
    const QString synopsis = readmeSynopsis(command, trainingOptions);
    QVERIFY2(!synopsis.isEmpty(), "README.md has no synopsis line for this command (NEURODX_SOURCE_DIR set by CTest?)");
    const QSet<QString> inHelp = optionsIn(helpText);
    const QSet<QString> inReadme = optionsIn(synopsis);
    QStringList missingFromReadme = (inHelp - inReadme).values();
    QStringList missingFromHelp = (inReadme - inHelp).values();
    missingFromReadme.sort();
    missingFromHelp.sort();
    QVERIFY2(missingFromReadme.isEmpty(), qPrintable("in --help, not in README: " + missingFromReadme.join(' ')));
    QVERIFY2(missingFromHelp.isEmpty(), qPrintable("in README, not in --help: " + missingFromHelp.join(' ')));
    // Accepted: the parser passes every option and stops at the unknown one after them (so nothing
    // runs); an option it did not know would be the one named instead. One process a command: under
    // the sanitizers each start costs seconds.
    QStringList args{command};
    QStringList options = inHelp.values();
    options.sort();
    for (const QString& option : options)
        args << option << "1";
    args << "--zz-sentinel";
    const CliResult r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("unknown option --zz-sentinel"), qPrintable(args.join(' ') + ": " + QString::fromUtf8(r.err)));
}

// README's block of training options is the help text itself (declared once, in core).
void CliHelpTest::readmeShowsTheTrainingOptionsAsHelpDoes()
{
    const CliResult help = runCli({"train", "--help"});
    QCOMPARE(help.exitCode, 0);
    const QString text = QString::fromUtf8(help.out);
    const qsizetype start = text.indexOf("Training options:\n");
    QVERIFY(start >= 0);
    const qsizetype from = start + QStringLiteral("Training options:\n").size();
    const QString block = text.mid(from, text.indexOf("\n\n", from) + 1 - from);
    QVERIFY(block.count('\n') > 20);
    QFile file(QProcessEnvironment::systemEnvironment().value("NEURODX_SOURCE_DIR") + "/README.md");
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(QString::fromUtf8(file.readAll()).contains("```\n" + block + "```\n"),
             qPrintable("README's training options differ from --help's; paste these:\n" + block));
}

QTEST_APPLESS_MAIN(CliHelpTest)
#include "tst_clihelp.moc"
