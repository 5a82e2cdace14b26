// The training settings' declarations (core/training/TrainingSettings.h) and the command line that
// reads them: every declared flag takes exactly its declared range and choices, `--help` describes
// each with its range and default, validate() refuses what the declarations refuse, and config.json
// keeps each setting under its declared key. The GUI form's side: tst_trainingsettingsform.
#include "CliArguments.h"
#include "Commands.h"
#include "TrainingOptions.h"

#include "common/NeuroDxError.h"
#include "training/TrainingSettings.h"

#include <nlohmann/json.hpp>

#include <fstream>

#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::cli;


namespace {

QString str(const std::string& text)
{
    return QString::fromStdString(text);
}

// `train` with these arguments, as the command parses them.
TrainingConfig parsed(const std::vector<std::string>& options)
{
    std::vector<std::string> args{"DIR"};
    args.insert(args.end(), options.begin(), options.end());
    return trainingConfigFrom(parseCommandLine(*findCommand("train"), args));
}

QString usageErrorOf(const std::vector<std::string>& options)
{
    try {
        parsed(options);
    } catch (const UsageError& e) {
        return str(e.message);
    }
    return {};
}

std::string text(double value)
{
    return settingValueText(value);
}

// config.json's value at a declaration's "a/b" key.
const nlohmann::json* jsonAt(const nlohmann::json& json, const std::string& key)
{
    const nlohmann::json* node = &json;
    for (const QString& part : str(key).split('/')) {
        if (!node->is_object() || !node->contains(part.toStdString()))
            return nullptr;
        node = &node->at(part.toStdString());
    }
    return node;
}

} // namespace

class TrainingSettingsTest : public QObject {
    Q_OBJECT
private slots:
    void declarationsAreWhole();
    void cliTakesTheDeclaredRange_data();
    void cliTakesTheDeclaredRange();
    void flagsSetWhatTheyName();
    void helpDescribesEveryOption();
    void validateRefusesWhatTheDeclarationsRefuse();
    void configJsonKeepsEverySettingUnderItsKey();
    void demoDiffersOnlyWhereItSays();
    void formerCommandLinesStillWork_data();
    void formerCommandLinesStillWork();
    void modelComesBeforeTheHyperparameterFile();
};

void TrainingSettingsTest::declarationsAreWhole()
{
    QSet<QString> names, flags, keys, labels;
    for (const TrainingSetting& s : trainingSettings()) {
        QVERIFY2(!names.contains(str(s.name)), s.name.c_str());
        names.insert(str(s.name));
        QVERIFY2(!s.help.empty() && !s.jsonKey.empty(), s.name.c_str());
        QVERIFY2(!s.cliFlag.empty() || !s.formLabel.empty(), s.name.c_str()); // offered somewhere
        if (!s.cliFlag.empty()) {
            QVERIFY2(!flags.contains(str(s.cliFlag)) && s.cliFlag.rfind("--", 0) == 0, s.cliFlag.c_str());
            flags.insert(str(s.cliFlag));
        }
        if (!s.formLabel.empty()) {
            QVERIFY2(!labels.contains(str(s.formLabel)), s.formLabel.c_str());
            labels.insert(str(s.formLabel));
        }
        QVERIFY2(!keys.contains(str(s.jsonKey)), s.jsonKey.c_str());
        keys.insert(str(s.jsonKey));
        QCOMPARE(str(s.persistedKey()), "training/" + str(s.name));
        // The default is a legal value of its own declaration.
        QVERIFY2(checkSettingValue(s, defaultValue(s)).empty(), checkSettingValue(s, defaultValue(s)).c_str());
        QCOMPARE(&trainingSetting(s.name), &s);
    }
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, trainingSetting("no-such-setting"));
}

void TrainingSettingsTest::cliTakesTheDeclaredRange_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("given");
    QTest::addColumn<bool>("accepted");
    for (const TrainingSetting& s : trainingSettings()) {
        if (s.cliFlag.empty() || s.kind == SettingKind::Switch)
            continue;
        const QString name = str(s.name);
        if (s.kind == SettingKind::Choice) {
            for (const std::string& choice : s.choices)
                QTest::addRow("%s %s", s.cliFlag.c_str(), choice.c_str()) << name << str(choice) << true;
            QTest::addRow("%s bogus", s.cliFlag.c_str()) << name << "bogus" << false;
            continue;
        }
        const bool integer = s.kind == SettingKind::Integer;
        const double below = integer ? s.minimum - 1 : s.minimum - std::max(1e-9, std::abs(s.minimum) * 0.5);
        const double above = integer ? s.maximum + 1 : s.maximum * 1.5 + 1e-9;
        auto valid = [&](double v) { return integer ? QString::number(static_cast<long long>(v)) : str(text(v)); };
        // The ends of the range, in both directions, past the rule where there is one.
        for (const double v : {s.minimum, s.maximum}) {
            const bool legal = checkSettingValue(s, integer ? SettingValue(static_cast<long long>(v)) : SettingValue(v)).empty();
            QTest::addRow("%s %s", s.cliFlag.c_str(), qPrintable(valid(v))) << name << valid(v) << legal;
        }
        QTest::addRow("%s below", s.cliFlag.c_str()) << name << valid(below) << false;
        QTest::addRow("%s above", s.cliFlag.c_str()) << name << valid(above) << false;
        QTest::addRow("%s not a number", s.cliFlag.c_str()) << name << "x" << false;
    }
    QTest::newRow("--image-size 18: not divisible by 4") << "image-size" << "18" << false;
    QTest::newRow("--channels 2") << "channels" << "2" << false;
}

void TrainingSettingsTest::cliTakesTheDeclaredRange()
{
    QFETCH(QString, name);
    QFETCH(QString, given);
    QFETCH(bool, accepted);
    const TrainingSetting& s = trainingSetting(name.toStdString());
    const QString error = usageErrorOf({s.cliFlag, given.toStdString()});
    if (!accepted) {
        QVERIFY2(error.startsWith(str(s.cliFlag)), qPrintable(error)); // the message names the flag
        QVERIFY2(error.contains(str(settingRangeText(s))), qPrintable(error)); // and what it takes
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TrainingConfig c = parsed({s.cliFlag, given.toStdString()});
    QCOMPARE(str(settingValueText(s.get(c))), str(settingValueText(parseSettingValue(s, given.toStdString()))));
}

void TrainingSettingsTest::flagsSetWhatTheyName()
{
    const TrainingConfig defaults;
    for (const TrainingSetting& s : trainingSettings()) {
        if (s.kind != SettingKind::Switch || s.cliFlag.empty())
            continue;
        const TrainingConfig c = parsed({s.cliFlag});
        QVERIFY2(std::get<bool>(s.get(c)) == s.flagSets, s.cliFlag.c_str());
        // A flag that names the default would be useless: each one changes something.
        QVERIFY2(std::get<bool>(defaultValue(s)) != s.flagSets, s.cliFlag.c_str());
        // Nothing else moved (bf16-convolutions implies bf16, as declared).
        for (const TrainingSetting& other : trainingSettings())
            if (&other != &s && !(s.name == "bf16-convolutions" && other.name == "bf16"))
                QVERIFY2(other.get(c) == other.get(defaults), qPrintable(str(s.cliFlag) + " moved " + str(other.name)));
    }
}

void TrainingSettingsTest::helpDescribesEveryOption()
{
    const QString help = str(trainingOptionsHelp());
    QStringList lines; // one per option: a help text wraps onto lines indented to its column
    for (const QString& line : help.split('\n')) {
        if (line.startsWith(QString(30, ' ')) && !lines.isEmpty())
            lines.back() += ' ' + line.trimmed();
        else
            lines.push_back(line);
    }
    for (const TrainingSetting& s : trainingSettings()) {
        if (s.cliFlag.empty())
            continue;
        QString line;
        for (const QString& candidate : lines)
            if (candidate.startsWith("  " + str(s.cliFlag) + " "))
                line = candidate;
        QVERIFY2(!line.isEmpty(), qPrintable(str(s.cliFlag) + " missing from:\n" + help));
        QVERIFY2(line.contains(str(s.help)), qPrintable(line));
        if (s.kind != SettingKind::Switch) {
            QVERIFY2(line.contains(str(settingRangeText(s))), qPrintable(line));
            QVERIFY2(line.contains("default " + str(settingValueText(defaultValue(s)))), qPrintable(line));
        }
    }
    QVERIFY(help.contains("--ratios"));
    QVERIFY(help.contains("--hyperparameters"));
}

void TrainingSettingsTest::validateRefusesWhatTheDeclarationsRefuse()
{
    validate(TrainingConfig{});
    for (const TrainingSetting& s : trainingSettings()) {
        if (s.kind != SettingKind::Integer && s.kind != SettingKind::Real)
            continue;
        TrainingConfig c;
        if (s.kind == SettingKind::Integer)
            s.set(c, static_cast<long long>(s.maximum) + 1);
        else
            s.set(c, s.maximum * 2 + 1);
        try {
            validate(c);
            QFAIL(qPrintable(str(s.name) + " above its maximum was accepted"));
        } catch (const NeuroDxError& e) {
            QVERIFY2(str(e.what()).startsWith(str(s.name)), e.what());
            QCOMPARE(e.kind(), ErrorKind::InvalidArgument);
        }
    }
}

void TrainingSettingsTest::configJsonKeepsEverySettingUnderItsKey()
{
    // A config unlike the defaults everywhere the declarations allow, through config.json and back.
    TrainingConfig c;
    for (const TrainingSetting& s : trainingSettings()) {
        switch (s.kind) {
        case SettingKind::Integer:
            s.set(c, static_cast<long long>(s.name == "image-size" ? 64 : s.name == "channels" ? 3 : s.maximum));
            break;
        case SettingKind::Real:
            s.set(c, s.maximum);
            break;
        case SettingKind::Switch:
            s.set(c, !std::get<bool>(defaultValue(s)));
            break;
        case SettingKind::Choice:
            s.set(c, s.choices.back() == std::get<std::string>(defaultValue(s)) ? s.choices.front() : s.choices.back());
            break;
        }
    }
    const nlohmann::json json = toJson(c);
    const TrainingConfig back = trainingConfigFromJson(json);
    for (const TrainingSetting& s : trainingSettings()) {
        const nlohmann::json* stored = jsonAt(json, s.jsonKey);
        QVERIFY2(stored, qPrintable(str(s.jsonKey) + " not in config.json"));
        QVERIFY2(s.get(back) == s.get(c), qPrintable(str(s.name) + " changed through config.json"));
        QVERIFY2(s.get(back) != defaultValue(s), qPrintable(str(s.name) + " was not exercised"));
    }
}

void TrainingSettingsTest::demoDiffersOnlyWhereItSays()
{
    const TrainingConfig demo = demoTrainingConfig();
    QSet<QString> changed;
    for (const TrainingSetting& s : trainingSettings())
        if (s.get(demo) != defaultValue(s))
            changed.insert(str(s.name));
    // The tuned preset's sizes come with it (16/16/320).
    QCOMPARE(changed, (QSet<QString>{"model", "filters1", "filters2", "units", "image-size", "epochs", "patience"}));
    QCOMPARE(demo.model.hiddenUnits, 320);
    QCOMPARE(demo.model.imageSize, 128); // the model follows its input
    validate(demo);
}

// Values the command line took before the declarations (and a search may sample) still pass.
void TrainingSettingsTest::formerCommandLinesStillWork_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::newRow("--units 16384") << "--units" << "16384";
    QTest::newRow("--learning-rate 1e-7") << "--learning-rate" << "1e-7";
    QTest::newRow("--learning-rate 2") << "--learning-rate" << "2";
    QTest::newRow("--dropout 0.95") << "--dropout" << "0.95";
    QTest::newRow("--epochs 20000") << "--epochs" << "20000";
    QTest::newRow("--patience 5000") << "--patience" << "5000";
    QTest::newRow("--min-delta 1e9") << "--min-delta" << "1e9";
}

void TrainingSettingsTest::formerCommandLinesStillWork()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    const QString error = usageErrorOf({flag.toStdString(), value.toStdString()});
    QVERIFY2(error.isEmpty(), qPrintable(error));
    validate(parsed({flag.toStdString(), value.toStdString()}));
}

// `--model tuned --hyperparameters best.json`: the file's sizes win (the model becomes "cnn"), as
// the command a search prints expects; a preset named after the file does not reset them.
void TrainingSettingsTest::modelComesBeforeTheHyperparameterFile()
{
    QTemporaryDir dir;
    const std::string file = QDir(dir.path()).filePath("best.json").toStdString();
    std::ofstream(file) << R"({"filters1": 8, "filters2": 12, "units": 24, "learning_rate": 0.0005})";
    const TrainingConfig c = parsed({"--model", "tuned", "--hyperparameters", file});
    QVERIFY(c.model.architecture == Architecture::Cnn);
    QCOMPARE(QList<int>({c.model.filters1, c.model.filters2, c.model.hiddenUnits}), QList<int>({8, 12, 24}));
    QCOMPARE(c.learningRate, 0.0005);
    // Options other than --model still win over the file.
    QCOMPARE(parsed({"--hyperparameters", file, "--units", "40"}).model.hiddenUnits, 40);
}

QTEST_APPLESS_MAIN(TrainingSettingsTest)
#include "tst_trainingsettings.moc"
