// JobRunner: typed results on the GUI thread, a replaced job neither waited for nor heard from,
// failures and cancellation as messages, throttled progress, QObject workers' late signals dropped.
#include "JobRunner.h"

#include "common/NeuroDxError.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace neurodx;
using namespace neurodx::ui;

namespace {

// A job body can wait on this until the test opens it (or a timeout passes, so that a broken
// runner fails the test instead of hanging it).
class Gate {
public:
    void open()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_open = true;
        }
        m_changed.notify_all();
    }
    bool waitOpen(std::chrono::milliseconds timeout)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_open = false;
};

} // namespace

// A worker in the style of ScanWorker: it reports through its own signal.
class SignallingWorker final : public QObject {
    Q_OBJECT
public:
    SignallingWorker(int value, std::shared_ptr<Gate> gate) : m_value(value), m_gate(std::move(gate)) {}
    void work()
    {
        if (m_gate)
            m_gate->waitOpen(std::chrono::seconds(10));
        emit reported(m_value);
    }

signals:
    void reported(int value);

private:
    int m_value;
    std::shared_ptr<Gate> m_gate;
};

class TestJobRunner : public QObject {
    Q_OBJECT
private slots:
    void typedResultArrivesOnTheGuiThread();
    void replacingASlowJobNeitherWaitsNorDeliversIt();
    void failuresBecomeMessages_data();
    void failuresBecomeMessages();
    void requestStopReachesTheBodyAndEndsAsCancelled();
    void progressIsThrottled();
    void replacedWorkersLateSignalsAreDropped();
    void destructorWaitsForReplacedJobs();
    void aFinishedWorkerStaysUntilTheGuiLetsItGo();
};

void TestJobRunner::typedResultArrivesOnTheGuiThread()
{
    JobRunner runner;
    std::optional<std::vector<int>> result;
    QThread* deliveredOn = nullptr;
    runner.run<std::vector<int>>([](JobContext&) { return std::vector<int>{1, 2, 3}; },
                                 {[&](std::vector<int> values) {
                                      result = std::move(values);
                                      deliveredOn = QThread::currentThread();
                                  },
                                  [](const QString& message) { QFAIL(qPrintable(message)); }});
    QVERIFY(runner.isBusy());
    QTRY_VERIFY(result.has_value());
    QCOMPARE(*result, (std::vector<int>{1, 2, 3}));
    QCOMPARE(deliveredOn, QThread::currentThread());
    QVERIFY(!runner.isBusy());
}

void TestJobRunner::replacingASlowJobNeitherWaitsNorDeliversIt()
{
    // The old job ignores cancel and blocks until the test opens its gate. The runner that waited
    // for it before starting the next (the old WorkerThread::stop) would have blocked here for
    // the gate's 10 s timeout and the old job would have ended before the new one started.
    auto gate = std::make_shared<Gate>();
    std::atomic<bool> oldEnded{false};
    JobRunner runner;
    int oldDelivered = 0;
    std::optional<int> newResult;
    runner.run<int>(
        [gate, &oldEnded](JobContext&) {
            gate->waitOpen(std::chrono::seconds(10));
            oldEnded = true;
            return 1;
        },
        {[&](int) { ++oldDelivered; }, [](const QString&) {}, [&] { ++oldDelivered; }});

    QElapsedTimer replacing;
    replacing.start();
    runner.run<int>([](JobContext&) { return 2; }, {[&](int value) { newResult = value; }, [](const QString&) {}});
    QVERIFY2(!oldEnded, "starting a job waited for the one it replaced");

    // The event loop runs (a timer fires) and the new job's result arrives while the old still blocks.
    int ticks = 0;
    QTimer timer;
    connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
    timer.start(10);
    QTRY_VERIFY(newResult.has_value() && ticks >= 3);
    QCOMPARE(*newResult, 2);
    QVERIFY(!oldEnded);
    QVERIFY(!runner.isBusy());

    gate->open();
    QTRY_VERIFY(oldEnded);
    QTest::qWait(50); // its late report, had it been delivered, would have arrived by now
    QCOMPARE(oldDelivered, 0);
}

void TestJobRunner::failuresBecomeMessages_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("NeuroDxError: its own text") << 0 << QStringLiteral("/data/x.dcm: not a DICOM file");
    QTest::newRow("any other exception: said to be unexpected") << 1 << QStringLiteral("Unexpected error: vector too long");
}

void TestJobRunner::failuresBecomeMessages()
{
    QFETCH(int, kind);
    QFETCH(QString, expected);
    JobRunner runner;
    QString message;
    bool done = false;
    runner.run<int>(
        [kind](JobContext&) -> int {
            if (kind == 0)
                throw NeuroDxError(ErrorKind::UnsupportedFormat, "/data/x.dcm: not a DICOM file");
            throw std::length_error("vector too long");
        },
        {[&](int) { done = true; }, [&](const QString& text) { message = text; }});
    QTRY_VERIFY(!message.isEmpty());
    QCOMPARE(message, expected);
    QVERIFY(!done);
    QVERIFY(!runner.isBusy());
}

void TestJobRunner::requestStopReachesTheBodyAndEndsAsCancelled()
{
    JobRunner runner;
    std::atomic<bool> started{false};
    bool cancelled = false, done = false;
    runner.run<int>(
        [&started](JobContext& job) {
            started = true;
            QElapsedTimer waited;
            waited.start();
            while (!job.isCancelled() && waited.elapsed() < 10000)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 0;
        },
        {[&](int) { done = true; }, [](const QString&) {}, [&] { cancelled = true; }});
    QTRY_VERIFY(started);
    runner.requestStop();
    QVERIFY(runner.isBusy()); // still current: its end is delivered
    QTRY_VERIFY(cancelled);
    QVERIFY(!done);
    QVERIFY(!runner.isBusy());
}

void TestJobRunner::progressIsThrottled()
{
    JobRunner runner;
    QStringList reports;
    bool done = false;
    runner.run<int>(
        [](JobContext& job) {
            for (int i = 0; i < 2000; ++i) {
                job.progress(QString::number(i));
                std::this_thread::sleep_for(std::chrono::microseconds(100));
            }
            return 0;
        },
        {[&](int) { done = true; }, [](const QString&) {}, {}, [&](const QString& text) { reports << text; }});
    QTRY_VERIFY(done);
    QVERIFY(!reports.isEmpty());
    QCOMPARE(reports.front(), QStringLiteral("0")); // the first report always goes through
    QVERIFY2(reports.size() < 200, qPrintable(QString::number(reports.size())));
}

void TestJobRunner::replacedWorkersLateSignalsAreDropped()
{
    JobRunner runner;
    QObject receiver;
    QList<int> heard;
    auto gate = std::make_shared<Gate>();
    auto* slow = new SignallingWorker(1, gate);
    QSignalSpy slowSpy(slow, &SignallingWorker::reported); // what the worker emits, delivered or not
    runner.deliver(slow, &SignallingWorker::reported, &receiver, [&](int value) { heard << value; });
    runner.start(slow, [slow] { slow->work(); }, [] {});

    auto* fast = new SignallingWorker(2, nullptr);
    runner.deliver(fast, &SignallingWorker::reported, &receiver, [&](int value) { heard << value; });
    runner.start(fast, [fast] { fast->work(); }, [] {});
    QTRY_COMPARE(heard, QList<int>{2});

    gate->open();
    QTRY_COMPARE(slowSpy.count(), 1);
    QTest::qWait(50);
    QCOMPARE(heard, QList<int>{2});
}

void TestJobRunner::destructorWaitsForReplacedJobs()
{
    std::atomic<bool> ended{false};
    {
        JobRunner runner;
        runner.run<int>(
            [&ended](JobContext&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(300)); // deaf to cancel
                ended = true;
                return 0;
            },
            {[](int) {}, [](const QString&) {}});
        runner.run<int>([](JobContext&) { return 0; }, {[](int) {}, [](const QString&) {}}); // replaces it
    } // cancels both and waits: nothing runs on after its runner is gone
    QVERIFY(ended);
}

void TestJobRunner::aFinishedWorkerStaysUntilTheGuiLetsItGo()
{
    // The worker's thread ends right after its work; the GUI hears of it only later. A cancel() in
    // between reaches the worker's requestStop: the worker must still exist then (deleted by its
    // own thread at the end, it would be written to after being freed).
    JobRunner runner;
    std::atomic<bool> workDone{false};
    auto* worker = new SignallingWorker(1, nullptr);
    const QPointer<SignallingWorker> alive(worker);
    bool stopReached = false;
    runner.start(worker, [worker, &workDone] {
        worker->work();
        workDone = true;
    }, [&stopReached] { stopReached = true; });
    QElapsedTimer waited;
    waited.start();
    while (!workDone && waited.elapsed() < 5000)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // its thread ends; no GUI event runs meanwhile
    QVERIFY(workDone);
    QVERIFY2(alive, "the worker was deleted before the GUI thread let it go");
    runner.cancel();
    QVERIFY(stopReached);
    QTRY_VERIFY(!alive); // freed on the GUI thread once its thread's end is handled
}

QTEST_MAIN(TestJobRunner)
#include "tst_jobrunner.moc"
