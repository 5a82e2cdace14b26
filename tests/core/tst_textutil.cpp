// Text from files made safe for JSON, CSV and the screen: invalid UTF-8 replaced, CSV fields
// quoted only where needed, column widths in characters.
#include "common/TextUtil.h"

#include <QtTest>

using namespace neurodx;

class TextUtilTest : public QObject {
    Q_OBJECT
private slots:
    void validUtf8ReplacesWhatIsNot_data();
    void validUtf8ReplacesWhatIsNot();
    void csvFieldQuotesOnlyWhenNeeded_data();
    void csvFieldQuotesOnlyWhenNeeded();
    void displayWidthCountsCharacters();
};

void TextUtilTest::validUtf8ReplacesWhatIsNot_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray fffd("\xEF\xBF\xBD");
    QTest::newRow("ascii") << QByteArray("scan_001.dcm") << QByteArray("scan_001.dcm");
    QTest::newRow("two-byte (é)") << QByteArray("s\xC3\xA9rie") << QByteArray("s\xC3\xA9rie");
    QTest::newRow("four-byte (emoji)") << QByteArray("\xF0\x9F\xA7\xA0") << QByteArray("\xF0\x9F\xA7\xA0");
    QTest::newRow("latin-1 byte") << QByteArray("s\xE9rie") << QByteArray("s") + fffd + QByteArray("rie");
    QTest::newRow("lone continuation") << QByteArray("a\x80z") << QByteArray("a") + fffd + QByteArray("z");
    QTest::newRow("overlong slash") << QByteArray("\xC0\xAF") << fffd + fffd;
    QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << fffd + fffd + fffd;
    QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << fffd + fffd + fffd + fffd;
    QTest::newRow("truncated at the end") << QByteArray("ok\xE2\x82") << QByteArray("ok") + fffd + fffd;
    QTest::newRow("0xFF") << QByteArray("\xFF") << fffd;
}

void TextUtilTest::validUtf8ReplacesWhatIsNot()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    const std::string out = validUtf8(input.toStdString());
    QCOMPARE(QByteArray::fromStdString(out), expected);
    QVERIFY(isValidUtf8(out));
    QCOMPARE(isValidUtf8(input.toStdString()), input == expected);
}

void TextUtilTest::csvFieldQuotesOnlyWhenNeeded_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("CN/002_S_0295/a.png") << QByteArray("CN/002_S_0295/a.png");
    QTest::newRow("comma") << QByteArray("a,b.png") << QByteArray("\"a,b.png\"");
    QTest::newRow("quote") << QByteArray("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << QByteArray("two\nlines") << QByteArray("\"two\nlines\"");
    QTest::newRow("invalid byte") << QByteArray("bad\xFF.png") << QByteArray("bad\xEF\xBF\xBD.png");
}

void TextUtilTest::csvFieldQuotesOnlyWhenNeeded()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(csvField(input.toStdString())), expected);
}

void TextUtilTest::displayWidthCountsCharacters()
{
    QCOMPARE(displayWidth("abc"), std::size_t{3});
    QCOMPARE(displayWidth("s\xC3\xA9rie"), std::size_t{5});
    QCOMPARE(displayWidth("\xEF\xBF\xBD"), std::size_t{1});
}

QTEST_APPLESS_MAIN(TextUtilTest)
#include "tst_textutil.moc"
