// Every input a fuzz run or a probe found trouble with, replayed through the same reader in every
// build: committed under tests/data/fuzz/<target>/ (README.md there says where each came from).
// Passing means the reader read the bytes or refused them with NeuroDxError; anything else fails.
#include "FuzzTargets.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QtTest>

#include <sys/resource.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NEURODX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NEURODX_SANITIZED 1
#endif
#endif

#include <exception>
#include <typeinfo>

using namespace neurodx::fuzz;

class FuzzRegressionsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyTargetHasRegressions();
    void replay_data();
    void replay();
};

namespace {

QString dataFolder() { return QProcessEnvironment::systemEnvironment().value("NEURODX_FUZZ_DATA"); }

} // namespace

void FuzzRegressionsTest::initTestCase()
{
    // The address space the fuzzer allowed (-malloc_limit_mb=2560 plus the libraries): an input that
    // makes a reader allocate what a file merely claims fails here with bad_alloc, as under the fuzzer.
    // Sanitizers reserve terabytes of shadow memory and check allocations themselves.
#ifndef NEURODX_SANITIZED
    const rlimit limit{rlim_t{3} << 30, rlim_t{3} << 30};
    QCOMPARE(setrlimit(RLIMIT_AS, &limit), 0);
#endif
}

void FuzzRegressionsTest::everyTargetHasRegressions()
{
    // The folder names are the targets' names: a renamed target must take its inputs along.
    const QStringList folders = QDir(dataFolder()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QVERIFY2(!folders.isEmpty(), qPrintable(dataFolder()));
    for (const QString& folder : folders) {
        bool known = false;
        for (const NamedFuzzTarget& target : fuzzTargets())
            known = known || folder.toStdString() == target.name;
        QVERIFY2(known, qPrintable(folder + " names no fuzz target"));
    }
}

void FuzzRegressionsTest::replay_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("file");
    for (const NamedFuzzTarget& target : fuzzTargets()) {
        const QDir folder(dataFolder() + "/" + QString::fromStdString(target.name));
        for (const QString& name : folder.entryList(QDir::Files, QDir::Name))
            QTest::newRow(qPrintable(QString::fromStdString(target.name) + "/" + name)) << QString::fromStdString(target.name)
                                                                                        << folder.filePath(name);
    }
}

void FuzzRegressionsTest::replay()
{
    QFETCH(QString, target);
    QFETCH(QString, file);
    QFile input(file);
    QVERIFY(input.open(QIODevice::ReadOnly));
    const QByteArray bytes = input.readAll();
    for (const NamedFuzzTarget& candidate : fuzzTargets()) {
        if (candidate.name != target.toStdString())
            continue;
        try {
            candidate.run(reinterpret_cast<const std::uint8_t*>(bytes.constData()), static_cast<std::size_t>(bytes.size()));
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("escaped as %1: %2").arg(typeid(e).name(), e.what())));
        }
        return;
    }
    QFAIL("no such target");
}

QTEST_GUILESS_MAIN(FuzzRegressionsTest)
#include "tst_fuzzregressions.moc"
