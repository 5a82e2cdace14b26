// Work run in a child process (common/ChildProcess): its answer comes back whole, and a crash, an
// exception or a hang inside it ends the child only. The Keras reader relies on this to survive
// files that crash libhdf5 (tst_kerasmodels).
#include "common/ChildProcess.h"

#include <QtTest>

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

using namespace neurodx;
using Ending = ChildProcessResult::Ending;

Q_DECLARE_METATYPE(ChildProcessResult::Ending)

namespace {

enum class Work { ReturnBytes, ReturnNothing, Throw, Segfault, Abort, Hang, ExitWithError, KilledFromOutside, AnswerTooLarge };

std::string largeAnswer()
{
    // Larger than a pipe's buffer many times over, so the caller must read while the child writes.
    std::string bytes(24 << 20, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(i * 131 % 251);
    return bytes;
}

std::string doWork(Work work)
{
    switch (work) {
    case Work::ReturnBytes: return largeAnswer();
    case Work::ReturnNothing: return {};
    case Work::Throw: throw std::runtime_error("thrown in the child");
    case Work::Segfault: std::raise(SIGSEGV); break;
    case Work::Abort: std::abort();
    case Work::Hang: std::this_thread::sleep_for(std::chrono::seconds(30)); break;
    case Work::ExitWithError: std::_Exit(7);
    case Work::KilledFromOutside: std::raise(SIGKILL); break;
    case Work::AnswerTooLarge: return std::string(3 << 20, 'x');
    }
    return "unreachable";
}

} // namespace

Q_DECLARE_METATYPE(Work)

class ChildProcessTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void endsAsTheWorkEnded_data();
    void endsAsTheWorkEnded();
    void childCannotChangeTheCaller();
    void concurrentCallsTakeTurns();
};

void ChildProcessTest::initTestCase()
{
    if (!childProcessIsolationAvailable())
        QSKIP("no child processes on this platform: the work runs in the caller");
}

void ChildProcessTest::endsAsTheWorkEnded_data()
{
    QTest::addColumn<Work>("work");
    QTest::addColumn<Ending>("ending");
    QTest::addColumn<QString>("description");
    QTest::newRow("returns 24 MB") << Work::ReturnBytes << Ending::Returned << "";
    QTest::newRow("returns nothing") << Work::ReturnNothing << Ending::Returned << "";
    QTest::newRow("throws") << Work::Throw << Ending::Failed << "threw an exception";
    QTest::newRow("segmentation fault") << Work::Segfault << Ending::Crashed << "signal 11";
    QTest::newRow("abort") << Work::Abort << Ending::Crashed << "signal 6";
    QTest::newRow("hangs") << Work::Hang << Ending::TimedOut << "no answer within 1 s";
    QTest::newRow("exits with an error") << Work::ExitWithError << Ending::Failed << "exit code 7";
    // The OOM killer's SIGKILL says nothing about the input: not a crash of the library.
    QTest::newRow("killed from outside") << Work::KilledFromOutside << Ending::Failed << "stopped from outside (signal 9";
    QTest::newRow("answers more than allowed") << Work::AnswerTooLarge << Ending::Failed << "larger than 2 MB";
}

void ChildProcessTest::endsAsTheWorkEnded()
{
    QFETCH(Work, work);
    QFETCH(Ending, ending);
    QFETCH(QString, description);
    QElapsedTimer timer;
    timer.start();
    // Only the hanging child meets its 1 s limit; the others get ample time on a loaded machine.
    const std::chrono::seconds limit(work == Work::Hang ? 1 : 60);
    const ChildProcessResult result = runInChildProcess([work] { return doWork(work); }, limit, work == Work::AnswerTooLarge ? 2u << 20 : 64u << 20);
    QCOMPARE(result.ending, ending);
    QVERIFY2(QString::fromStdString(result.description).contains(description), result.description.c_str());
    if (ending == Ending::Returned)
        QVERIFY(result.output == doWork(work));
    else
        QVERIFY(result.output.empty());
    if (work == Work::Hang)
        QVERIFY2(timer.elapsed() < 10000, "the caller waited for a hung child beyond its limit");
}

void ChildProcessTest::childCannotChangeTheCaller()
{
    int value = 1;
    const ChildProcessResult result = runInChildProcess(
        [&value] {
            value = 2;
            return std::to_string(value);
        },
        std::chrono::seconds(10));
    QCOMPARE(result.ending, Ending::Returned);
    QCOMPARE(result.output, std::string("2"));
    QCOMPARE(value, 1); // the child wrote its own copy
}

// A hung child must not hold a second call's pipe open: calls take turns, each gets its own answer.
void ChildProcessTest::concurrentCallsTakeTurns()
{
    std::vector<std::thread> threads;
    std::vector<ChildProcessResult> results(4);
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&results, i] { results[static_cast<std::size_t>(i)] = runInChildProcess([i] { return std::string(100000, char('a' + i)); }, std::chrono::seconds(20)); });
    for (std::thread& thread : threads)
        thread.join();
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(results[static_cast<std::size_t>(i)].ending, Ending::Returned);
        QVERIFY(results[static_cast<std::size_t>(i)].output == std::string(100000, char('a' + i)));
    }
}

QTEST_APPLESS_MAIN(ChildProcessTest)
#include "tst_childprocess.moc"
