#include "dataset/SubjectId.h"

#include <QtTest>

using namespace neurodx;

class SubjectIdTest : public QObject {
    Q_OBJECT
private slots:
    void parses_data();
    void parses();
};

void SubjectIdTest::parses_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<int>("slice");
    QTest::addColumn<QString>("imageId");
    QTest::newRow("adni download") << "ADNI_002_S_0295_MR_MPRAGE_br_raw_20060418193713091_1_S13408_I13722.dcm" << "002_S_0295" << -1 << "I13722";
    QTest::newRow("kaggle axial") << "AD/AD136_S_0426a120.png" << "136_S_0426" << 120 << "";
    QTest::newRow("axial mci prefix") << "MCI/MCI023_S_1046a088.png" << "023_S_1046" << 88 << "";
    QTest::newRow("subject folder") << "CN/002_S_0295/MPRAGE/2006-04-18/I13722/slice_0001.dcm" << "002_S_0295" << -1 << "I13722";
    QTest::newRow("adni root folders") << "ADNI/002_S_0295/MPRAGE/I13722/ADNI_002_S_0295_MR.dcm" << "002_S_0295" << -1 << "I13722";
    QTest::newRow("no subject") << "CN/slice_0001.png" << "" << -1 << "";
    QTest::newRow("five digit site is not a ptid") << "CN/12345_S_6789.png" << "" << -1 << "";
    QTest::newRow("five digit roster is not a ptid") << "CN/123_S_67890.png" << "" << -1 << "";
    QTest::newRow("lower case s is not a ptid") << "CN/123_s_6789.png" << "" << -1 << "";
    QTest::newRow("axial without slice digits") << "AD/AD136_S_0426a.png" << "136_S_0426" << -1 << "";
    QTest::newRow("image id folder only") << "CN/I42/img.png" << "" << -1 << "I42";
    QTest::newRow("not an image id") << "CN/Images/img.png" << "" << -1 << "";
}

void SubjectIdTest::parses()
{
    QFETCH(QString, path);
    QFETCH(QString, subject);
    QFETCH(int, slice);
    QFETCH(QString, imageId);
    const PathIdentity identity = identityFromPath(path.toStdString());
    QCOMPARE(QString::fromStdString(identity.subject.value_or("")), subject);
    QCOMPARE(identity.sliceIndex.value_or(-1), slice);
    QCOMPARE(QString::fromStdString(identity.imageDataId.value_or("")), imageId);
    QCOMPARE(QString::fromStdString(subjectIdFromPath(path.toStdString()).value_or("")), subject);
}

QTEST_APPLESS_MAIN(SubjectIdTest)
#include "tst_subjectid.moc"
