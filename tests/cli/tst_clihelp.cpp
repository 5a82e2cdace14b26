// neurodx-cli's help and usage errors: --help lists every command, COMMAND --help shows that one
// command's entry, bad command lines exit with 2 and a message naming the problem.
#include "CliProcess.h"

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
    QTest::newRow("help tune") << QStringList{"help", "tune"} << QStringList{"neurodx-cli tune", "--max-epochs", "--freeze-backbone"}
                               << QStringList{"--split-file", "predict MODEL"};
    QTest::newRow("audit -h") << QStringList{"audit", "-h"} << QStringList{"leakage audit", "--image-size", "not a certified medical device"}
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

QTEST_APPLESS_MAIN(CliHelpTest)
#include "tst_clihelp.moc"
