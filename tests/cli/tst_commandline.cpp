// neurodx-cli's declared command lines (app/cli/CommandLine.h) parsed by CLI11, in-process: every
// option of every command is described in its help with its range and default, every default lies
// in its own range, a value outside the range, an unknown option or a wrong number of arguments is
// refused with a message naming it, and the parser keeps positional arguments, repeated options
// and "--name=value" straight.
#include "Commands.h"

#include <QtTest>

using namespace neurodx::cli;

namespace {

QString str(const std::string& text)
{
    return QString::fromStdString(text);
}

QString usageErrorOf(const std::string& command, const std::vector<std::string>& args)
{
    try {
        parseCommandLine(*findCommand(command), args);
    } catch (const UsageError& e) {
        return str(e.message);
    }
    return {};
}

std::vector<OptionSpec> everyOption(const CommandSpec& command)
{
    std::vector<OptionSpec> options = command.options;
    options.insert(options.end(), command.trainingOptions.begin(), command.trainingOptions.end());
    return options;
}

} // namespace

class CommandLineTest : public QObject {
    Q_OBJECT
private slots:
    void helpDescribesEveryOption_data();
    void helpDescribesEveryOption();
    void defaultsLieInTheirRange_data();
    void defaultsLieInTheirRange();
    void refusedWithAMessage_data();
    void refusedWithAMessage();
    void parsesWhatIsGiven();
};

void CommandLineTest::helpDescribesEveryOption_data()
{
    QTest::addColumn<QString>("command");
    for (const CommandSpec& command : commands())
        QTest::newRow(command.name.c_str()) << str(command.name);
}

void CommandLineTest::helpDescribesEveryOption()
{
    QFETCH(QString, command);
    const CommandSpec& spec = *findCommand(command.toStdString());
    const QString help = str(commandHelp(spec));
    QVERIFY(help.startsWith("Usage: neurodx-cli " + command + " [OPTIONS]"));
    for (const PositionalSpec& p : spec.positionals)
        QVERIFY2(help.contains(str(p.name)) && help.contains(str(p.help)), qPrintable(str(p.name)));
    for (const OptionSpec& option : everyOption(spec)) {
        QVERIFY2(!option.help.empty(), qPrintable("--" + str(option.name) + " has no description"));
        // The line of the option: its flag, then (help wraps at a word) the words of its help.
        const qsizetype at = help.indexOf(QRegularExpression("\\n  --" + QRegularExpression::escape(str(option.name)) + "[ \\n]"));
        QVERIFY2(at >= 0, qPrintable("--" + str(option.name) + " missing from:\n" + help));
        const QString entry = help.mid(at, help.indexOf(QRegularExpression("\\n  [^ ]"), at + 1) - at).simplified();
        QVERIFY2(entry.contains(str(option.help).simplified()), qPrintable(entry));
        if (!option.defaultText.empty())
            QVERIFY2(entry.contains("default " + str(option.defaultText)), qPrintable(entry));
        if (!option.rangeText.empty())
            QVERIFY2(entry.contains(str(option.rangeText)), qPrintable(entry));
    }
}

void CommandLineTest::defaultsLieInTheirRange_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("option");
    for (const CommandSpec& command : commands())
        for (const OptionSpec& option : everyOption(command))
            if (option.check && !option.defaultText.empty())
                QTest::newRow(qPrintable(str(command.name + " --" + option.name))) << str(command.name) << str(option.name);
}

// A default its own option would refuse (synth's two modes state theirs apart: "24 (--scans: 2)").
void CommandLineTest::defaultsLieInTheirRange()
{
    QFETCH(QString, command);
    QFETCH(QString, option);
    const std::vector<OptionSpec> options = everyOption(*findCommand(command.toStdString()));
    const OptionSpec& spec = *std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return str(o.name) == option; });
    const std::string value = spec.defaultText.substr(0, spec.defaultText.find(" ("));
    if (QStringList{"part"}.contains(option))
        QSKIP("--part's default is a rule, not a value");
    QVERIFY2(spec.check(value).empty(), qPrintable(str(spec.check(value))));
    if (value != spec.defaultText) { // the second mode's default
        const std::string second = spec.defaultText.substr(spec.defaultText.find(": ") + 2);
        QVERIFY2(spec.check(second.substr(0, second.size() - 1)).empty(), qPrintable(str(spec.defaultText)));
    }
}

void CommandLineTest::refusedWithAMessage_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("whole number too big") << "split" << QStringList{"DIR", "--seed", "2147483648"} << "--seed must be a whole number from 0 to 2147483647";
    QTest::newRow("not a number") << "evaluate" << QStringList{"M", "D", "--bootstrap", "many"} << "--bootstrap must be a whole number";
    QTest::newRow("number too big") << "synth" << QStringList{"DIR", "--difficulty", "1.5"} << "--difficulty must be a number from 0 to 1";
    QTest::newRow("choice") << "predict" << QStringList{"M", "F", "--precision", "fp16"} << "--precision must be auto, fp32 or bf16, not 'fp16'";
    QTest::newRow("training setting") << "train" << QStringList{"DIR", "--image-size", "30"} << "--image-size must be 16..1024, divisible by 4, not 30";
    QTest::newRow("training choice") << "demo" << QStringList{"--model", "vgg"} << "--model";
    QTest::newRow("mode range, both modes") << "synth" << QStringList{"DIR", "--slices", "600"} << "--slices must be a whole number";
    QTest::newRow("needs a value") << "cv" << QStringList{"DIR", "--folds"} << "--folds needs a value";
    QTest::newRow("unknown option") << "scan" << QStringList{"DIR", "--colour"} << "unknown option --colour";
    QTest::newRow("unknown option after a bad value") << "split" << QStringList{"DIR", "--seed", "x", "--zz"} << "unknown option --zz";
    QTest::newRow("another command's option") << "scan" << QStringList{"DIR", "--epochs", "3"} << "unknown option --epochs";
    QTest::newRow("missing argument") << "scan" << QStringList{} << "missing the dataset folder";
    QTest::newRow("missing second argument") << "import" << QStringList{"SRC"} << "missing the output folder";
    QTest::newRow("extra argument") << "import" << QStringList{"SRC", "OUT", "MORE"} << "unexpected argument 'MORE'";
    QTest::newRow("demo takes none") << "demo" << QStringList{"DIR"} << "unexpected argument 'DIR'";
}

void CommandLineTest::refusedWithAMessage()
{
    QFETCH(QString, command);
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    std::vector<std::string> list;
    for (const QString& a : args)
        list.push_back(a.toStdString());
    const QString error = usageErrorOf(command.toStdString(), list);
    QVERIFY2(error.contains(message), qPrintable(error));
}

void CommandLineTest::parsesWhatIsGiven()
{
    const CliArguments args = parseCommandLine(*findCommand("predict"), {"model.pt", "--format=csv", "a.png", "--threads", "2", "b.dcm",
                                                                         "--per-slice", "--threads", "3", "--", "--odd-name.png"});
    QCOMPARE(args.positional(), (std::vector<std::string>{"model.pt", "a.png", "b.dcm", "--odd-name.png"}));
    QCOMPARE(args.text("format"), std::string("csv"));
    QCOMPARE(args.integer("threads"), 3LL); // the last one given wins
    QVERIFY(args.flag("per-slice"));
    QVERIFY(!args.flag("no-calibration"));
    QCOMPARE(args.text("precision"), std::string("auto")); // the declared default
    QVERIFY(!args.value("precision"));                     // ... not given
    const CliArguments cv = parseCommandLine(*findCommand("cv"), {"DIR", "--epochs", "3"});
    QCOMPARE(cv.integer("folds"), 5LL);
    QCOMPARE(cv.value("epochs").value_or(""), std::string("3"));
}

QTEST_APPLESS_MAIN(CommandLineTest)
#include "tst_commandline.moc"
