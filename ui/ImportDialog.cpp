#include "ImportDialog.h"

#include "JobRunner.h"

#include "common/NeuroDxError.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace neurodx::ui {

namespace {

std::filesystem::path toPath(const QString& text)
{
    return QDir::toNativeSeparators(text.trimmed()).toStdString();
}

QString fromPath(const std::filesystem::path& path)
{
    return QDir::toNativeSeparators(QString::fromStdString(path.string()));
}

QString classText(const ImportPlan& plan, const PlannedScan& scan)
{
    if (scan.label < 0)
        return QString::fromStdString(scan.group);
    const std::string& name = plan.classNames[static_cast<std::size_t>(scan.label)];
    return QString::fromStdString(scan.group.empty() || scan.group == name ? name : name + " (" + scan.group + ")");
}

// As `neurodx-cli import` words it: why a scan is skipped, else what is odd about it.
QString problemsText(const PlannedScan& scan)
{
    QStringList notes;
    if (scan.alreadyImported)
        notes << QObject::tr("imported before");
    if (!scan.skipReason.empty())
        notes << QObject::tr("skipped: %1").arg(QString::fromStdString(scan.skipReason));
    for (const std::string& w : scan.source.warnings)
        notes << QString::fromStdString(w);
    return notes.join(QStringLiteral("; "));
}

QTableWidgetItem* cell(const QString& text, const QString& tip = {})
{
    auto* item = new QTableWidgetItem(text);
    item->setToolTip(tip.isEmpty() ? text : tip);
    return item;
}

} // namespace

ImportDialog::ImportDialog(QWidget* parent)
    : QDialog(parent),
      m_source(new QLineEdit),
      m_csv(new QLineEdit),
      m_output(new QLineEdit),
      m_plane(new QComboBox),
      m_rule(new QComboBox),
      m_count(new QSpinBox),
      m_first(new QSpinBox),
      m_last(new QSpinBox),
      m_baselineOnly(new QCheckBox(tr("Baseline visits only (each subject's first scan)"))),
      m_openWhenDone(new QCheckBox(tr("Open the imported dataset when done"))),
      m_find(new QPushButton(tr("Find Scans"))),
      m_import(new QPushButton(tr("Import"))),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_progress(new QProgressBar),
      m_status(new QLabel),
      m_table(new QTableWidget(0, ColumnCount)),
      m_summary(new QLabel),
      m_failures(new QLabel),
      m_jobs(new JobRunner(this))
{
    qRegisterMetaType<SharedImportPlan>();
    qRegisterMetaType<SharedImportResult>();
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(tr("Import Scans"));
    m_find->setObjectName(QStringLiteral("findScans"));
    m_find->setToolTip(tr("List the scans in the source and what the import will do with each; nothing is written"));
    m_import->setObjectName(QStringLiteral("import"));
    m_import->setToolTip(tr("Write the listed scans' slices as PNG into the output folder, one folder per class"));
    m_cancel->setObjectName(QStringLiteral("cancelImport"));
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_status->setObjectName(QStringLiteral("importStatus"));
    m_status->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("importSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failures->setObjectName(QStringLiteral("importFailures"));
    m_failures->setWordWrap(true);
    m_failures->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_failures->setStyleSheet(QStringLiteral("QLabel { background: #f8d7da; color: #58151c; padding: 6px; border-radius: 4px; }"));
    m_failures->hide();
    m_table->setObjectName(QStringLiteral("importTable"));
    m_table->setHorizontalHeaderLabels({tr("Subject"), tr("Visit"), tr("Class"), tr("Image ID"), tr("Series"), tr("Slices"), tr("Problems / skipped because")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_find);
    buttons->addWidget(m_import);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createOptions());
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_failures);
    layout->addWidget(close);

    connect(m_find, &QPushButton::clicked, this, &ImportDialog::findScans);
    connect(m_import, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_cancel, &QPushButton::clicked, this, &ImportDialog::cancel);
    finishStep(tr("Choose the downloaded scans (a folder of DICOM series or NIfTI files) and an output folder, then Find Scans."));
    resize(980, 640);
}

ImportDialog::~ImportDialog() = default;

QWidget* ImportDialog::createOptions()
{
    auto* box = new QWidget;
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    const auto folderRow = [&](int row, const QString& label, QLineEdit* edit, bool folder, const QString& tip) {
        edit->setToolTip(tip);
        auto* button = new QPushButton(tr("Browse..."));
        connect(button, &QPushButton::clicked, this, [this, edit, folder, label] { browse(edit, folder, label); });
        connect(edit, &QLineEdit::textChanged, this, &ImportDialog::invalidatePlan);
        grid->addWidget(new QLabel(label), row, 0);
        grid->addWidget(edit, row, 1, 1, 5);
        grid->addWidget(button, row, 6);
    };
    folderRow(0, tr("Source"), m_source, true, tr("The downloaded scans: DICOM series (any depth of folders) or NIfTI files"));
    folderRow(1, tr("Collection CSV"), m_csv, false, tr("Optional: the IDA collection CSV (Subject, Group, Visit, Image Data ID); without it, classes come from folder names"));
    folderRow(2, tr("Output"), m_output, true, tr("Where the dataset is written: one folder per class, a PNG per slice, manifest.csv"));
    m_source->setObjectName(QStringLiteral("importSource"));
    m_csv->setObjectName(QStringLiteral("importCsv"));
    m_output->setObjectName(QStringLiteral("importOutput"));

    m_plane->addItem(tr("Axial"), int(SlicePlane::Axial));
    m_plane->addItem(tr("Coronal"), int(SlicePlane::Coronal));
    m_plane->addItem(tr("Sagittal"), int(SlicePlane::Sagittal));
    m_rule->addItem(tr("Central slices of the head"), int(SliceSelection::Rule::CentralHead));
    m_rule->addItem(tr("All but N at each end"), int(SliceSelection::Rule::Discard));
    m_rule->addItem(tr("Range of slices"), int(SliceSelection::Rule::Range));
    m_rule->addItem(tr("All slices"), int(SliceSelection::Rule::All));
    m_rule->setToolTip(tr("Which slices of each scan become images (the model file records it, so a scan is predicted on the same slices)"));
    for (QSpinBox* spin : {m_count, m_first, m_last})
        spin->setRange(0, 4096);
    m_count->setToolTip(tr("How many slices (central) or how many to leave out at each end"));
    m_first->setToolTip(tr("First slice (0-based, inclusive)"));
    m_last->setToolTip(tr("Last slice (0-based, inclusive)"));
    m_first->setPrefix(tr("from "));
    m_last->setPrefix(tr("to "));
    grid->addWidget(new QLabel(tr("Plane")), 3, 0);
    grid->addWidget(m_plane, 3, 1);
    grid->addWidget(new QLabel(tr("Slices")), 3, 2);
    grid->addWidget(m_rule, 3, 3);
    grid->addWidget(m_count, 3, 4);
    auto* range = new QHBoxLayout;
    range->addWidget(m_first);
    range->addWidget(m_last);
    grid->addLayout(range, 3, 5);
    grid->addWidget(m_baselineOnly, 4, 1, 1, 3);
    grid->addWidget(m_openWhenDone, 4, 4, 1, 3);
    grid->setColumnStretch(5, 1);
    connect(m_rule, &QComboBox::currentIndexChanged, this, &ImportDialog::updateRuleFields);
    for (QComboBox* combo : {m_plane, m_rule})
        connect(combo, &QComboBox::currentIndexChanged, this, &ImportDialog::invalidatePlan);
    for (QSpinBox* spin : {m_count, m_first, m_last})
        connect(spin, &QSpinBox::valueChanged, this, &ImportDialog::invalidatePlan);
    connect(m_baselineOnly, &QCheckBox::toggled, this, &ImportDialog::invalidatePlan);

    setSliceSelection(SliceSelection{}); // the engine's defaults until loadSettings()
    m_openWhenDone->setChecked(true);
    return box;
}

void ImportDialog::browse(QLineEdit* edit, bool folder, const QString& title)
{
    const QString start = edit->text().isEmpty() ? QDir::homePath() : edit->text();
    const QString chosen = folder ? QFileDialog::getExistingDirectory(this, title, start)
                                  : QFileDialog::getOpenFileName(this, title, start, tr("CSV files (*.csv);;All files (*)"));
    if (!chosen.isEmpty())
        edit->setText(QDir::toNativeSeparators(chosen));
}

void ImportDialog::setSource(const QString& folder) { m_source->setText(folder); }
void ImportDialog::setMetadataCsv(const QString& file) { m_csv->setText(file); }
void ImportDialog::setOutput(const QString& folder) { m_output->setText(folder); }
void ImportDialog::setBaselineOnly(bool baselineOnly) { m_baselineOnly->setChecked(baselineOnly); }
void ImportDialog::setOpenWhenDone(bool open) { m_openWhenDone->setChecked(open); }

void ImportDialog::setSliceSelection(const SliceSelection& selection)
{
    m_plane->setCurrentIndex(m_plane->findData(int(selection.plane)));
    m_rule->setCurrentIndex(m_rule->findData(int(selection.rule)));
    m_count->setValue(selection.rule == SliceSelection::Rule::Discard ? selection.discard : selection.count);
    m_first->setValue(selection.first);
    m_last->setValue(std::max(selection.first, selection.last));
    updateRuleFields();
}

void ImportDialog::updateRuleFields()
{
    const auto rule = static_cast<SliceSelection::Rule>(m_rule->currentData().toInt());
    m_count->setVisible(rule == SliceSelection::Rule::CentralHead || rule == SliceSelection::Rule::Discard);
    m_count->setPrefix(rule == SliceSelection::Rule::Discard ? tr("leave out ") : QString());
    m_first->setVisible(rule == SliceSelection::Rule::Range);
    m_last->setVisible(rule == SliceSelection::Rule::Range);
}

ImportOptions ImportDialog::options() const
{
    ImportOptions options;
    options.source = toPath(m_source->text());
    options.output = toPath(m_output->text());
    if (!m_csv->text().trimmed().isEmpty())
        options.metadataCsv = toPath(m_csv->text());
    options.slices.plane = static_cast<SlicePlane>(m_plane->currentData().toInt());
    options.slices.rule = static_cast<SliceSelection::Rule>(m_rule->currentData().toInt());
    if (options.slices.rule == SliceSelection::Rule::Discard)
        options.slices.discard = m_count->value();
    else
        options.slices.count = std::max(1, m_count->value());
    options.slices.first = m_first->value();
    options.slices.last = m_last->value();
    options.baselineOnly = m_baselineOnly->isChecked();
    return options;
}

void ImportDialog::loadSettings()
{
    const QSettings settings;
    m_source->setText(settings.value(QStringLiteral("import/source")).toString());
    m_csv->setText(settings.value(QStringLiteral("import/metadata")).toString());
    m_output->setText(settings.value(QStringLiteral("import/output")).toString());
    SliceSelection selection;
    try {
        selection = SliceSelection::parse(slicePlaneFromName(settings.value(QStringLiteral("import/plane"), QStringLiteral("axial")).toString().toStdString()),
                                          settings.value(QStringLiteral("import/slices"), QStringLiteral("central:32")).toString().toStdString());
    } catch (const NeuroDxError&) {
        // A setting from another version: the defaults.
    }
    setSliceSelection(selection);
    m_baselineOnly->setChecked(settings.value(QStringLiteral("import/baselineOnly"), false).toBool());
    m_openWhenDone->setChecked(settings.value(QStringLiteral("import/openWhenDone"), true).toBool());
}

void ImportDialog::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("import/source"), m_source->text());
    settings.setValue(QStringLiteral("import/metadata"), m_csv->text());
    settings.setValue(QStringLiteral("import/output"), m_output->text());
    const ImportOptions o = options();
    settings.setValue(QStringLiteral("import/plane"), QString::fromLatin1(slicePlaneName(o.slices.plane)));
    settings.setValue(QStringLiteral("import/slices"), QString::fromStdString(o.slices.ruleText()));
    settings.setValue(QStringLiteral("import/baselineOnly"), o.baselineOnly);
    settings.setValue(QStringLiteral("import/openWhenDone"), m_openWhenDone->isChecked());
}

bool ImportDialog::isBusy() const
{
    return m_jobs->isBusy();
}

void ImportDialog::findScans()
{
    if (isBusy())
        return;
    if (m_source->text().trimmed().isEmpty() || m_output->text().trimmed().isEmpty()) {
        const QString message = tr("Choose the source folder and the output folder first.");
        finishStep(message);
        emit failed(message);
        return;
    }
    saveSettings();
    invalidatePlan();
    m_table->setRowCount(0);
    m_summary->clear();
    m_progress->setRange(0, 0); // the number of files is not known beforehand
    m_status->setText(tr("Looking for scans..."));
    start(new ImportWorker(options()));
}

void ImportDialog::startImport()
{
    if (isBusy() || !m_plan)
        return;
    m_result.reset();
    m_failures->hide();
    m_progress->setRange(0, std::max<int>(1, static_cast<int>(m_plan->countToImport())));
    m_progress->setValue(0);
    m_status->setText(tr("Importing..."));
    start(new ImportWorker(m_plan));
}

void ImportDialog::cancel()
{
    if (isBusy()) {
        m_jobs->requestStop(); // cancelled() follows once the engine has removed the unfinished scan
        m_status->setText(tr("Cancelling..."));
    }
}

void ImportDialog::start(ImportWorker* worker)
{
    m_jobs->deliver(worker, &ImportWorker::progressed, this, &ImportDialog::showProgress);
    m_jobs->deliver(worker, &ImportWorker::planned, this, [this](const SharedImportPlan& plan) {
        m_jobs->release();
        showPlan(plan);
        emit planned(plan);
    });
    m_jobs->deliver(worker, &ImportWorker::imported, this, [this](const SharedImportResult& result) {
        m_jobs->release();
        showResult(result);
        emit imported(result);
        if (m_openWhenDone->isChecked())
            emit openDatasetRequested(fromPath(m_plan->options.output));
    });
    m_jobs->deliver(worker, &ImportWorker::cancelled, this, [this] {
        m_jobs->release();
        finishStep(m_plan && m_progress->maximum() > 0
                       ? tr("Import cancelled. The scan being written was removed; the scans finished before stay, and importing into the same folder again resumes.")
                       : tr("Cancelled."));
        emit cancelled();
    });
    m_jobs->deliver(worker, &ImportWorker::failed, this, [this](const QString& message) {
        m_jobs->release();
        finishStep(message);
        emit failed(message);
    });
    for (QWidget* w : std::initializer_list<QWidget*>{m_find, m_import, m_source, m_csv, m_output, m_plane, m_rule, m_count, m_first, m_last, m_baselineOnly})
        w->setEnabled(false);
    m_cancel->setEnabled(true);
    m_jobs->start(worker, [worker] { worker->start(); }, [worker] { worker->requestStop(); });
}

void ImportDialog::finishStep(const QString& status)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_find, m_source, m_csv, m_output, m_plane, m_rule, m_count, m_first, m_last, m_baselineOnly})
        w->setEnabled(true);
    m_import->setEnabled(m_plan && m_plan->countToImport() + m_plan->countAlreadyImported() > 0);
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(m_result ? 1 : 0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_status->setText(status);
}

void ImportDialog::invalidatePlan()
{
    if (isBusy() || !m_plan)
        return;
    m_plan.reset(); // the table no longer says what Import would do
    m_import->setEnabled(false);
    m_status->setText(tr("The options changed: Find Scans again before importing."));
}

void ImportDialog::showProgress(int done, int total, int slices, const QString& current)
{
    if (total == 0) {
        m_status->setText(tr("Looking for scans: %1 files").arg(done));
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    m_progress->setFormat(tr("%v / %m scans"));
    m_status->setText(tr("Importing scan %1 of %2 (%3 slices written): %4").arg(std::min(done + 1, total)).arg(total).arg(slices).arg(current));
}

void ImportDialog::showPlan(const SharedImportPlan& plan)
{
    m_plan = plan;
    m_table->setSortingEnabled(false);
    m_table->setRowCount(static_cast<int>(plan->scans.size()));
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const PlannedScan& scan = plan->scans[static_cast<std::size_t>(row)];
        const bool isDicom = scan.source.kind == ScanSource::Kind::DicomSeries;
        const int slices = isDicom ? (scan.source.series.geometry.size[2] > 0 ? scan.source.series.geometry.size[2] : static_cast<int>(scan.source.fileCount())) : 0;
        const QString series = QString::fromStdString(scan.description.empty() ? scan.source.series.seriesDescription : scan.description);
        const QString where = QString::fromStdString(scan.source.label() + "\n" + scan.relativePath);
        m_table->setItem(row, Subject, cell(QString::fromStdString(scan.subject), where));
        m_table->setItem(row, Visit, cell(QString::fromStdString(scan.visit + (scan.date.empty() ? "" : " (" + scan.date + ")"))));
        m_table->setItem(row, Class, cell(classText(*plan, scan)));
        m_table->setItem(row, ImageId, cell(QString::fromStdString(scan.imageDataId), where));
        m_table->setItem(row, Series, cell(QStringLiteral("%1 (%2)").arg(series, isDicom ? tr("DICOM") : tr("NIfTI")), where));
        auto* count = new QTableWidgetItem;
        if (isDicom)
            count->setData(Qt::DisplayRole, slices);
        count->setToolTip(isDicom ? tr("Slices of the series as stored") : tr("A NIfTI file's slices are counted when it is read"));
        m_table->setItem(row, Slices, count);
        m_table->setItem(row, Problems, cell(problemsText(scan)));
        if (!scan.willImport())
            for (int c = 0; c < ColumnCount; ++c)
                m_table->item(row, c)->setForeground(QColor(120, 120, 120));
        else if (!scan.source.warnings.empty())
            m_table->item(row, Problems)->setBackground(QColor(255, 243, 205));
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();

    QStringList lines;
    lines << tr("%1 scans found: %2 to import, %3 imported before, %4 skipped. Nothing is written until Import.")
                 .arg(plan->scans.size())
                 .arg(plan->countToImport())
                 .arg(plan->countAlreadyImported())
                 .arg(plan->countSkipped());
    lines << tr("Slices: %1%2").arg(QString::fromStdString(plan->options.slices.describe()), plan->options.baselineOnly ? tr("; baseline visits only") : QString());
    if (plan->images2d > 0)
        lines << tr("%1 2D image(s) in the source are not scans and are not imported.").arg(plan->images2d);
    for (const std::string& w : plan->warnings)
        lines << tr("Warning: %1").arg(QString::fromStdString(w));
    m_summary->setText(lines.join(QLatin1Char('\n')));
    finishStep(plan->countToImport() + plan->countAlreadyImported() > 0 ? tr("Check the table, then Import.") : tr("No scan to import: see the table for the reasons."));
}

void ImportDialog::showResult(const SharedImportResult& result)
{
    m_result = result;
    QStringList failures;
    for (const ImportFailure& f : result->failures)
        failures << QStringLiteral("%1: %2").arg(QString::fromStdString(f.relativePath), QString::fromStdString(f.reason));
    m_failures->setText(tr("%n scan(s) failed and were left out:\n", nullptr, static_cast<int>(failures.size())) + failures.join(QLatin1Char('\n')));
    m_failures->setVisible(!failures.isEmpty());
    finishStep(tr("Imported %1 scan(s), %2 slices%3. Manifest: %4 (%5 slices).")
                   .arg(result->scansImported)
                   .arg(result->slicesWritten)
                   .arg(result->scansAlreadyDone ? tr(" (%1 imported before)").arg(result->scansAlreadyDone) : QString())
                   .arg(fromPath(result->manifest))
                   .arg(result->slicesInManifest));
}

QString ImportDialog::statusText() const
{
    return m_status->text();
}

QString ImportDialog::failuresText() const
{
    return m_failures->isVisibleTo(this) ? m_failures->text() : QString();
}

void ImportDialog::done(int result)
{
    m_jobs->cancelAndWait(); // nothing writes on after the dialog closed
    QDialog::done(result);
}

} // namespace neurodx::ui
