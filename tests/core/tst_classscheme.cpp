#include "common/NeuroDxError.h"
#include "dataset/ClassScheme.h"

#include <QtTest>

using namespace neurodx;

class ClassSchemeTest : public QObject {
    Q_OBJECT
private slots:
    void adniAliases_data();
    void adniAliases();
    void customOrder();
    void rejectsBadLists_data();
    void rejectsBadLists();
};

void ClassSchemeTest::adniAliases_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("label");
    for (const char* name : {"CN", "cn", "NC", "Normal", "control", "CONTROLS"})
        QTest::newRow(name) << name << 0;
    for (const char* name : {"MCI", "mci", "CI", "EMCI", "lmci"})
        QTest::newRow(name) << name << 1;
    for (const char* name : {"AD", "ad", "Dementia", "ALZHEIMER", " AD "})
        QTest::newRow(name) << name << 2;
    for (const char* name : {"SMC", "Other", "", "ADNI"})
        QTest::newRow(name[0] ? name : "empty") << name << -1;
}

void ClassSchemeTest::adniAliases()
{
    QFETCH(QString, folder);
    QFETCH(int, label);
    QCOMPARE(ClassScheme::adniDefault().labelOf(folder.toStdString()).value_or(-1), label);
}

void ClassSchemeTest::customOrder()
{
    const ClassScheme scheme = ClassScheme::fromNames({"AD", "CN"});
    QCOMPARE(scheme.size(), 2);
    QCOMPARE(scheme.labelOf("Dementia").value_or(-1), 0);
    QCOMPARE(scheme.labelOf("normal").value_or(-1), 1);
    QVERIFY(!scheme.labelOf("MCI"));
    QCOMPARE(QString::fromStdString(scheme.name(1)), QStringLiteral("CN"));
}

void ClassSchemeTest::rejectsBadLists_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::newRow("empty list") << QStringList{};
    QTest::newRow("empty name") << QStringList{"CN", ""};
    QTest::newRow("duplicate") << QStringList{"CN", "cn"};
    QTest::newRow("alias clash") << QStringList{"CN", "NC"};
}

void ClassSchemeTest::rejectsBadLists()
{
    QFETCH(QStringList, names);
    std::vector<std::string> list;
    for (const QString& n : names)
        list.push_back(n.toStdString());
    try {
        ClassScheme::fromNames(list);
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::InvalidArgument);
    }
}

QTEST_APPLESS_MAIN(ClassSchemeTest)
#include "tst_classscheme.moc"
