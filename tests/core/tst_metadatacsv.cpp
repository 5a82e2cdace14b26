#include "common/NeuroDxError.h"
#include "dataset/MetadataCsv.h"

#include <QtTest>

using namespace neurodx;

class MetadataCsvTest : public QObject {
    Q_OBJECT
private slots:
    void parsesRfc4180_data();
    void parsesRfc4180();
    void readsAdniDownloadCsv();
    void acceptsOtherColumnNames();
    void rejectsCsvWithoutIdColumns();
    void missingFileNamesTheFile();
};

void MetadataCsvTest::parsesRfc4180_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("flattened"); // rows joined with '|'
    QTest::newRow("plain") << "a,b,c\n1,2,3\n" << QStringList{"a|b|c", "1|2|3"};
    QTest::newRow("crlf, no final newline") << "a,b\r\n1,2" << QStringList{"a|b", "1|2"};
    QTest::newRow("quoted comma") << "\"x, y\",z\n" << QStringList{"x, y|z"};
    QTest::newRow("doubled quote") << "\"say \"\"hi\"\"\",2\n" << QStringList{"say \"hi\"|2"};
    QTest::newRow("newline in quotes") << "\"two\nlines\",2\n" << QStringList{"two\nlines|2"};
    QTest::newRow("empty fields") << ",,\n" << QStringList{"||"};
    QTest::newRow("blank lines skipped") << "a\n\n\nb\n" << QStringList{"a", "b"};
}

void MetadataCsvTest::parsesRfc4180()
{
    QFETCH(QString, text);
    QFETCH(QStringList, flattened);
    QStringList rows;
    for (const auto& row : parseCsv(text.toStdString())) {
        QStringList cells;
        for (const auto& cell : row)
            cells << QString::fromStdString(cell);
        rows << cells.join('|');
    }
    QCOMPARE(rows, flattened);
}

void MetadataCsvTest::readsAdniDownloadCsv()
{
    const std::string csv =
        "\xEF\xBB\xBF\"Image Data ID\",\"Subject\",\"Group\",\"Sex\",\"Age\",\"Visit\",\"Modality\",\"Description\",\"Type\",\"Acq Date\",\"Format\",\"Downloaded\"\n"
        "\"I13722\",\"002_S_0295\",\"CN\",\"M\",\"85\",\"sc\",\"MRI\",\"MPRAGE\",\"Original\",\"4/18/2006\",\"DCM\",\"\"\n"
        "\"I40817\",\"136_S_0426\",\"AD\",\"F\",\"76\",\"m06\",\"MRI\",\"MPRAGE, Repeat\",\"Original\",\"3/07/2007\",\"DCM\",\"\"\n"
        "\"\",\"999_S_9999\",\"AD\",\"F\",\"76\",\"m06\",\"MRI\",\"broken row\",\"Original\",\"3/07/2007\",\"DCM\",\"\"\n";
    const MetadataTable table = MetadataTable::parse(csv);
    QCOMPARE(table.size(), std::size_t{2});
    const auto record = table.find("I40817");
    QVERIFY(record);
    QCOMPARE(QString::fromStdString(record->subject), QStringLiteral("136_S_0426"));
    QCOMPARE(QString::fromStdString(record->group), QStringLiteral("AD"));
    QVERIFY(!table.find("I99999"));
    QCOMPARE(table.warnings().size(), std::size_t{1});
}

void MetadataCsvTest::acceptsOtherColumnNames()
{
    const MetadataTable table = MetadataTable::parse("PTID,Image ID,DX_Group\n002_S_0295,13722,EMCI\n");
    const auto record = table.find("I13722");
    QVERIFY(record);
    QCOMPARE(QString::fromStdString(record->group), QStringLiteral("EMCI"));
}

void MetadataCsvTest::rejectsCsvWithoutIdColumns()
{
    try {
        MetadataTable::parse("Name,Age\nx,1\n", "/data/meta.csv");
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::CorruptFile);
        QVERIFY(QString(e.what()).contains("/data/meta.csv"));
        QVERIFY(QString(e.what()).contains("Image Data ID"));
    }
}

void MetadataCsvTest::missingFileNamesTheFile()
{
    try {
        MetadataTable::load("/nonexistent/adni.csv");
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::UnreadableFile);
        QCOMPARE(QString::fromStdString(e.file().string()), QStringLiteral("/nonexistent/adni.csv"));
    }
}

QTEST_APPLESS_MAIN(MetadataCsvTest)
#include "tst_metadatacsv.moc"
