// The process-wide compute setup: the allocator keeps freed activation memory, and the BLAS that
// answers LibTorch's matrix products is identified.
#include "common/BlasLibrary.h"
#include "common/ComputeSetup.h"

#include <torch/torch.h>

#include <QtTest>

#include <sys/resource.h>

using namespace neurodx;

namespace {

long minorPageFaults()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

// Page faults taken while filling a fresh tensor of `bytes`.
long faultsToFill(std::int64_t bytes)
{
    const long before = minorPageFaults();
    torch::Tensor t = torch::empty({bytes / 4}, torch::kFloat32);
    t.fill_(1.0f);
    return minorPageFaults() - before;
}

} // namespace

class ComputeSetupTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void freedActivationMemoryIsReused_data();
    void freedActivationMemoryIsReused();
    void describesTheAllocator();
    void identifiesTheBlas();
    void referenceBlasGetsAWarning();
    void threadsAreSetExplicitly();
};

void ComputeSetupTest::initTestCase()
{
    QVERIFY(!configureMemoryAllocator().empty());
}

void ComputeSetupTest::freedActivationMemoryIsReused_data()
{
    QTest::addColumn<qint64>("bytes");
    // One batch's input, the tuned CNN's second block and its first block at batch 32, 256x256.
    QTest::newRow("8 MB") << qint64(8) * 1024 * 1024;
    QTest::newRow("34 MB") << qint64(32 * 16 * 128 * 128 * 4);
    QTest::newRow("134 MB") << qint64(32 * 16 * 256 * 256) * 4;
}

void ComputeSetupTest::freedActivationMemoryIsReused()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    QSKIP("the sanitizer's allocator (quarantine, shadow memory) replaces the one this checks");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    QSKIP("the sanitizer's allocator (quarantine, shadow memory) replaces the one this checks");
#endif
#endif
    QFETCH(qint64, bytes);
    const long pages = static_cast<long>(bytes / 4096);
    faultsToFill(bytes); // the first time, the pages come from the kernel
    // The next step's buffer of the same size must not fault its pages in again: that was half of
    // the training time with glibc's defaults.
    const long again = faultsToFill(bytes);
    QVERIFY2(again < pages / 20, qPrintable(QStringLiteral("%1 page faults refilling %2 pages").arg(again).arg(pages)));
}

void ComputeSetupTest::describesTheAllocator()
{
    const QString description = QString::fromStdString(memoryAllocatorDescription());
#if defined(NEURODX_TEST_EXPECTS_JEMALLOC)
    QVERIFY2(description.startsWith("jemalloc ") && description.endsWith("freed pages kept"), qPrintable(description));
#else
    QVERIFY2(!description.isEmpty(), qPrintable(description));
#endif
}

void ComputeSetupTest::identifiesTheBlas()
{
    const BlasLibrary blas = loadedBlas();
#if defined(__linux__)
    // This machine's LibTorch finds sgemm_ in a real shared library.
    QVERIFY2(QFileInfo::exists(QString::fromStdString(blas.path)), blas.path.c_str());
#endif
    // The bootstrap installs OpenBLAS and selects it; the reference BLAS would be a failed setup.
    QVERIFY2(blas.optimised, blas.name.c_str());
    QVERIFY(blasWarning(blas).empty());
}

void ComputeSetupTest::referenceBlasGetsAWarning()
{
    BlasLibrary reference{"reference BLAS", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", false};
    const QString warning = QString::fromStdString(blasWarning(reference));
    QVERIFY(warning.contains("reference BLAS"));
    QVERIFY(warning.contains(QString::fromStdString(reference.path)));
    QVERIFY(warning.contains("libopenblas0-pthread"));
}

void ComputeSetupTest::threadsAreSetExplicitly()
{
    QCOMPARE(setComputeThreads(1), 1);
    QCOMPARE(torch::get_num_threads(), 1);
    QVERIFY(setComputeThreads(0) >= 1);
    QCOMPARE(torch::get_num_threads(), std::max(1, QThread::idealThreadCount()));
}

QTEST_APPLESS_MAIN(ComputeSetupTest)
#include "tst_computesetup.moc"
