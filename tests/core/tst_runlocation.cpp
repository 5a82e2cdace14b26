// Where runs go when no --output is given, and how a new run folder is named: one rule for the CLI
// and the GUI (core/evaluation/RunFolder, core/common/UserFolders).
#include "common/NeuroDxError.h"
#include "common/UserFolders.h"
#include "evaluation/RunFolder.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>
#include <optional>
#include <set>
#include <thread>
#include <vector>

using namespace neurodx;
namespace fs = std::filesystem;

namespace {

// Sets an environment variable for one test function; restores the previous value after.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const std::optional<std::string>& value) : m_name(name)
    {
        if (const char* old = std::getenv(name))
            m_old = old;
        set(value);
    }
    ~ScopedEnvironment() { set(m_old); }

private:
    void set(const std::optional<std::string>& value)
    {
        if (value)
            qputenv(m_name, QByteArray::fromStdString(*value));
        else
            qunsetenv(m_name);
    }
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

class RunLocationTest : public QObject {
    Q_OBJECT
private slots:
    void defaultRoot_data();
    void defaultRoot();
    void newFoldersAreNamedByTimeAndKind();
    void runsStartedTogetherNeverShareAFolder();
    void anUncreatableRootIsAnIoError();
};

void RunLocationTest::defaultRoot_data()
{
    QTest::addColumn<QString>("runsDir");     // NEURODX_RUNS_DIR, "-" for unset
    QTest::addColumn<QString>("xdgDataHome"); // XDG_DATA_HOME, "-" for unset
    QTest::addColumn<QString>("home");        // HOME, "-" for unset
    QTest::addColumn<QString>("expected");
    QTest::newRow("NEURODX_RUNS_DIR wins") << "/srv/runs" << "/xdg" << "/home/u" << "/srv/runs";
    QTest::newRow("XDG_DATA_HOME") << "-" << "/xdg" << "/home/u" << "/xdg/NeuroDx/NeuroDx/runs";
    QTest::newRow("a relative XDG_DATA_HOME is ignored (XDG spec)") << "-" << "xdg" << "/home/u" << "/home/u/.local/share/NeuroDx/NeuroDx/runs";
    QTest::newRow("HOME only") << "-" << "-" << "/home/u" << "/home/u/.local/share/NeuroDx/NeuroDx/runs";
    QTest::newRow("no home: the working folder, never a shared one") << "-" << "-" << "-" << "runs";
}

void RunLocationTest::defaultRoot()
{
#if defined(_WIN32) || defined(__APPLE__)
    QSKIP("the XDG rules are Linux's");
#endif
    QFETCH(QString, runsDir);
    QFETCH(QString, xdgDataHome);
    QFETCH(QString, home);
    QFETCH(QString, expected);
    const auto value = [](const QString& v) { return v == "-" ? std::nullopt : std::optional<std::string>(v.toStdString()); };
    const ScopedEnvironment a("NEURODX_RUNS_DIR", value(runsDir));
    const ScopedEnvironment b("XDG_DATA_HOME", value(xdgDataHome));
    const ScopedEnvironment c("HOME", value(home));
    QCOMPARE(QString::fromStdString(defaultRunsRoot().string()), expected);
}

void RunLocationTest::newFoldersAreNamedByTimeAndKind()
{
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "not" / "yet";
    const fs::path folder = createRunFolder(root, "cnn");
    QVERIFY(fs::is_directory(folder));
    QVERIFY(fs::is_empty(folder));
    QCOMPARE(folder.parent_path(), root);
    const QString name = QString::fromStdString(folder.filename().string());
    QVERIFY2(QRegularExpression("^20\\d{6}-\\d{6}-cnn$").match(name).hasMatch(), qPrintable(name));
}

void RunLocationTest::runsStartedTogetherNeverShareAFolder()
{
    // 8 threads x 5 runs of one kind within about a second: 40 folders, all different.
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    std::vector<std::vector<fs::path>> made(8);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < made.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5; ++i)
                made[t].push_back(createRunFolder(root, "tuning"));
        });
    for (std::thread& thread : threads)
        thread.join();
    std::set<fs::path> distinct;
    for (const auto& list : made)
        distinct.insert(list.begin(), list.end());
    QCOMPARE(distinct.size(), std::size_t{40});
    std::size_t onDisk = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(root))
        ++onDisk;
    QCOMPARE(onDisk, std::size_t{40});
}

void RunLocationTest::anUncreatableRootIsAnIoError()
{
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "a-file";
    QFile(QString::fromStdString(file.string())).open(QIODevice::WriteOnly);
    try {
        createRunFolder(file / "runs", "cnn");
        QFAIL("a root under a file was accepted");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::Io);
        QVERIFY2(QString(e.what()).contains("a-file"), e.what());
    }
}

QTEST_APPLESS_MAIN(RunLocationTest)
#include "tst_runlocation.moc"
