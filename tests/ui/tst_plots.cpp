// Plots never hide data behind their legend, and an empty plot says what would fill it.
#include "IsolatedSettings.h"

#include "PlotLegend.h"
#include "RocPlot.h"
#include "RunsPage.h"
#include "TuningPage.h"

#include <qcustomplot.h>

#include <QDir>
#include <QtTest>

using namespace neurodx::ui;
using neurodx::test::IsolatedSettings;

namespace {

QCPItemText* hintOf(QCustomPlot* plot)
{
    for (int i = 0; i < plot->itemCount(); ++i)
        if (plot->item(i)->objectName() == QLatin1String("emptyHint"))
            return qobject_cast<QCPItemText*>(plot->item(i));
    return nullptr;
}

} // namespace

class PlotsTest : public QObject {
    Q_OBJECT
private slots:
    void legendSitsOutsideTheData();
    void emptyHintComesAndGoes();
    void pagesStartWithAHint();
};

void PlotsTest::legendSitsOutsideTheData()
{
    // ROC curves run through every corner of the square at some point: no inset corner is free.
    RocPlot roc;
    roc.resize(360, 300);
    roc.setScores({0, 0, 1, 1, 2, 2}, {{0.8, 0.1, 0.1}, {0.5, 0.3, 0.2}, {0.2, 0.7, 0.1}, {0.3, 0.4, 0.3}, {0.1, 0.2, 0.7}, {0.3, 0.3, 0.4}},
                  {"CN", "MCI", "AD"});
    roc.show();
    QCustomPlot* plot = roc.plot();
    plot->replot();
    QVERIFY(plot->legend->visible() && plot->legend->itemCount() >= 3);
    const QRect legend = plot->legend->outerRect();
    const QRect data = plot->axisRect()->rect();
    QVERIFY2(!legend.intersects(data), qPrintable(QString("legend %1,%2 %3x%4 over the data %5,%6 %7x%8")
                                                       .arg(legend.x()).arg(legend.y()).arg(legend.width()).arg(legend.height())
                                                       .arg(data.x()).arg(data.y()).arg(data.width()).arg(data.height())));
}

void PlotsTest::emptyHintComesAndGoes()
{
    QCustomPlot plot;
    plot.resize(300, 200);
    plot.addGraph()->setName("a");
    placeLegendAbovePlot(&plot);
    setPlotEmptyHint(&plot, "Select two or more runs");
    QVERIFY(hintOf(&plot) && hintOf(&plot)->visible());
    QVERIFY(!plot.legend->visible());
    QVERIFY(!plot.xAxis->visible() && !plot.yAxis->visible());
    setPlotEmptyHint(&plot, QString());
    QVERIFY(!hintOf(&plot)->visible());
    QVERIFY(plot.legend->visible());
    QVERIFY(plot.xAxis->visible() && plot.yAxis->visible());
}

void PlotsTest::pagesStartWithAHint()
{
    IsolatedSettings settings;
    const QString out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    RunsPage runs;
    runs.resize(900, 600);
    runs.show();
    QCPItemText* hint = hintOf(runs.comparePlot());
    QVERIFY(hint && hint->visible() && hint->text().contains("two or more"));
    // Centred in the plot (it once sat in an empty axis rect's corner, cut off at the left edge).
    QVERIFY(qAbs(hint->position->pixelPosition().x() - runs.comparePlot()->width() / 2.0) < 2);
    QTest::qWait(50); // the queued replot at the shown size
    QVERIFY(runs.grab().save(out + "/page-runs-empty.png"));
    TuningPage tuning;
    tuning.resize(1100, 700);
    tuning.show();
    QCustomPlot* best = tuning.findChild<QCustomPlot*>("bestSoFarPlot");
    QVERIFY(best && hintOf(best) && hintOf(best)->visible());
    QTest::qWait(50);
    QVERIFY(tuning.grab().save(out + "/page-tuning-empty.png"));
}

QTEST_MAIN(PlotsTest)
#include "tst_plots.moc"
