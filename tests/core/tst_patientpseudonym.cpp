// Keyed pseudonyms for patient ids: HMAC-SHA-256 against RFC 4231's test vectors, and the
// pseudonym's form. (Stability across runs and the key file: tests/cli/tst_clireliability.)
#include "dataset/PatientPseudonym.h"
#include "dataset/SubjectId.h"

#include <QtTest>

using namespace neurodx;

class PatientPseudonymTest : public QObject {
    Q_OBJECT
private slots:
    void hmacSha256MatchesRfc4231_data();
    void hmacSha256MatchesRfc4231();
    void pseudonymsAreKeyedAndShort();
};

void PatientPseudonymTest::hmacSha256MatchesRfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("expected");
    QTest::newRow("case 1") << QByteArray(20, '\x0b') << QByteArray("Hi There")
                            << "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    QTest::newRow("case 2") << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
                            << "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    QTest::newRow("case 3") << QByteArray(20, '\xaa') << QByteArray(50, '\xdd')
                            << "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe";
    QTest::newRow("case 4") << QByteArray::fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819") << QByteArray(50, '\xcd')
                            << "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b";
    QTest::newRow("case 6 (key longer than a block)") << QByteArray(131, '\xaa') << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
                                                      << "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
}

void PatientPseudonymTest::hmacSha256MatchesRfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, message);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(hmacSha256Hex(key.toStdString(), message.toStdString())), expected);
}

void PatientPseudonymTest::pseudonymsAreKeyedAndShort()
{
    qputenv("NEURODX_PSEUDONYM_KEY", QByteArray(QDir::tempPath().toUtf8() + "/neurodx-pseudonym-test-" + QByteArray::number(QCoreApplication::applicationPid()) + ".key"));
    const std::string a = patientPseudonym("1234567");
    QCOMPARE(a.size(), std::size_t{4 + 16}); // "pid-" + 64 bits in hex
    QVERIFY(a.rfind("pid-", 0) == 0);
    QCOMPARE(patientPseudonym("1234567"), a);
    QVERIFY(patientPseudonym("1234568") != a);
    QVERIFY(pseudonymKeyProblem().empty());
    QCOMPARE(subjectFromPatientId("002_S_0295"), std::string("002_S_0295")); // ADNI PTIDs are pseudonyms already
    QCOMPARE(subjectFromPatientId("1234567"), a);
    QFile::remove(qEnvironmentVariable("NEURODX_PSEUDONYM_KEY"));
}

QTEST_GUILESS_MAIN(PatientPseudonymTest)
#include "tst_patientpseudonym.moc"
