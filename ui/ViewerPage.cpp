#include "ViewerPage.h"

#include "BatchPredictionView.h"
#include "DicomTagTree.h"
#include "EngineTask.h"
#include "PlotExport.h"
#include "QtStrings.h"
#include "PredictionPanel.h"
#include "RunsLocation.h"
#include "SliceOverlay.h"
#include "SliceReport.h"
#include "SliceView.h"
#include "WorkerThread.h"

#include "evaluation/RunFolder.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace neurodx::ui {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

ViewerPage::ViewerPage(QWidget* parent)
    : QWidget(parent),
      m_toolBar(new QToolBar),
      m_view(new SliceView),
      m_prediction(new PredictionPanel),
      m_tags(new DicomTagTree),
      m_batch(new BatchPredictionView),
      m_presets(new QComboBox),
      m_frame(new QSlider(Qt::Horizontal)),
      m_frameLabel(new QLabel),
      m_pixel(new QLabel),
      m_windowLabel(new QLabel),
      m_loadThread(new WorkerThread(this)),
      m_modelThread(new WorkerThread(this)),
      m_predictThread(new WorkerThread(this))
{
    qRegisterMetaType<SharedOpenedSlice>();
    qRegisterMetaType<SharedClassifier>();
    qRegisterMetaType<SharedSlicePrediction>();
    setObjectName(QStringLiteral("viewerPage"));
    setAcceptDrops(true);
    createToolBar();

    m_pixel->setObjectName(QStringLiteral("pixelReadout"));
    m_pixel->setToolTip(tr("The pixel under the cursor, in modality units (after rescale slope and intercept)"));
    m_windowLabel->setObjectName(QStringLiteral("windowReadout"));
    connect(m_view, &SliceView::pixelHovered, this, [this](int x, int y, double value) {
        m_pixel->setText(x < 0 ? QString() : tr("x %1  y %2  value %3").arg(x).arg(y).arg(number(value)));
    });
    connect(m_view, &SliceView::windowChanged, this, &ViewerPage::updateWindowLabel);
    connect(m_view, &SliceView::zoomChanged, this, &ViewerPage::updateCorners);
    connect(m_prediction, &PredictionPanel::chooseModelRequested, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose Model"), m_classifier ? QString::fromStdString(m_classifier->file().string()) : runsRoot(),
                                                          tr("NeuroDx models (*.pt);;All files (*)"));
        if (!file.isEmpty())
            loadModel(file);
    });
    connect(m_prediction, &PredictionPanel::heatmapVisibilityChanged, m_view, &SliceView::setHeatmapVisible);
    connect(m_prediction, &PredictionPanel::heatmapOpacityChanged, m_view, &SliceView::setHeatmapOpacity);
    connect(m_prediction, &PredictionPanel::saliencyClassChanged, this, &ViewerPage::predictCurrent);

    m_batch->hide();
    connect(m_batch, &BatchPredictionView::fileActivated, this, [this](const QString& file) { openImage(file); });
    connect(m_batch, &BatchPredictionView::statusMessage, this, &ViewerPage::statusMessage);
    connect(m_batch, &BatchPredictionView::finished, this, [this](int files) {
        m_batch->show();
        emit batchFinished(files);
    });

    auto* side = new QTabWidget;
    side->addTab(m_prediction, tr("Prediction"));
    side->addTab(m_tags, tr("DICOM Tags"));
    auto* viewBox = new QWidget;
    auto* viewLayout = new QVBoxLayout(viewBox);
    viewLayout->setContentsMargins(0, 0, 0, 0);
    viewLayout->addWidget(m_view, 1);
    auto* readouts = new QHBoxLayout;
    readouts->addWidget(m_pixel, 1);
    readouts->addWidget(m_windowLabel);
    viewLayout->addLayout(readouts);
    auto* top = new QSplitter(Qt::Horizontal);
    top->setObjectName(QStringLiteral("viewerSplitter"));
    top->addWidget(viewBox);
    top->addWidget(side);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    auto* main = new QSplitter(Qt::Vertical);
    main->addWidget(top);
    main->addWidget(m_batch);
    main->setStretchFactor(0, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->addWidget(m_toolBar);
    layout->addWidget(main, 1);

    const QString model = defaultModelFile();
    if (!model.isEmpty())
        loadModel(model);
    else
        m_prediction->clearModel(tr("No model yet: train one (Training page) or choose a model file."));
}

ViewerPage::~ViewerPage() = default;

void ViewerPage::createToolBar()
{
    m_toolBar->setObjectName(QStringLiteral("viewerToolBar"));
    const auto add = [this](const QString& text, const QString& tip, const QKeySequence& key, auto slot) {
        QAction* action = m_toolBar->addAction(text, this, slot);
        action->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        return action;
    };
    // Ctrl+I belongs to the main window's File > Open Image, which shows this page.
    add(tr("Open..."), tr("Open a DICOM, PNG, JPEG, BMP or TIFF slice (Ctrl+I)"), QKeySequence(), [this] { chooseImage(); });
    add(tr("Predict Folder..."), tr("Predict every image in a folder"), QKeySequence(tr("Ctrl+B")), [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Predict Folder"), QDir::homePath());
        if (!folder.isEmpty())
            predictFolder(folder);
    });
    add(tr("Report..."), tr("Save a PDF report of this slice"), QKeySequence(tr("Ctrl+P")), [this] { chooseAndExportReport(); });
    m_toolBar->addSeparator();
    add(tr("Fit"), tr("Fit the slice to the window"), QKeySequence(Qt::Key_F), [this] { m_view->fitToWindow(); });
    add(tr("100%"), tr("One image pixel per screen pixel"), QKeySequence(Qt::Key_1), [this] { m_view->setZoom(1.0); });
    add(tr("200%"), tr("Zoom 200%"), QKeySequence(Qt::Key_2), [this] { m_view->setZoom(2.0); });
    add(tr("400%"), tr("Zoom 400%"), QKeySequence(Qt::Key_4), [this] { m_view->setZoom(4.0); });
    m_toolBar->addSeparator();
    m_presets->addItem(tr("Model input window"), int(WindowPreset::ModelInput));
    m_presets->addItem(tr("File window"), int(WindowPreset::FileWindow));
    m_presets->addItem(tr("Full stored range"), int(WindowPreset::FullRange));
    m_presets->addItem(tr("Min - max"), int(WindowPreset::MinMax));
    m_presets->addItem(tr("Percentile 1 - 99"), int(WindowPreset::Percentile1To99));
    m_presets->addItem(tr("Percentile 5 - 95"), int(WindowPreset::Percentile5To95));
    m_presets->addItem(tr("Brain MR"), int(WindowPreset::BrainMr));
    m_presets->setToolTip(tr("Window presets; drag with the left button for any other window"));
    connect(m_presets, &QComboBox::activated, this, [this] { applyWindowPreset(static_cast<WindowPreset>(m_presets->currentData().toInt())); });
    m_toolBar->addWidget(m_presets);
    m_invert = add(tr("Invert"), tr("Invert the grey scale"), QKeySequence(Qt::Key_I), [this](bool on) { m_view->setInverted(on); });
    m_invert->setCheckable(true);
    add(tr("Reset"), tr("Default window, zoom and inversion"), QKeySequence(Qt::Key_R), [this] {
        m_view->reset();
        m_invert->setChecked(m_view->isInverted());
        m_presets->setCurrentIndex(0);
    });
    m_hideIdentifiers = add(tr("Hide Identifiers"), tr("Hide patient and study identifiers in the overlay and tags (for screenshots)"),
                            QKeySequence(tr("Ctrl+H")), [this](bool on) { setIdentifiersHidden(on); });
    m_hideIdentifiers->setCheckable(true);
    m_hideIdentifiers->setChecked(QSettings().value(QStringLiteral("viewer/hideIdentifiers"), true).toBool());
    m_toolBar->addSeparator();
    m_frame->setToolTip(tr("Frame of a multi-frame image"));
    m_frame->setMaximumWidth(160);
    connect(m_frame, &QSlider::sliderReleased, this, [this] {
        if (m_opened)
            openImage(QString::fromStdString(m_opened->slice.file), m_frame->value());
    });
    // Widgets in a tool bar are shown and hidden through their actions.
    m_frameActions = {m_toolBar->addWidget(m_frameLabel), m_toolBar->addWidget(m_frame)};
    for (QAction* action : m_frameActions)
        action->setVisible(false);
}

QString ViewerPage::defaultModelFile() const
{
    const QString saved = QSettings().value(QStringLiteral("viewer/model")).toString();
    if (!saved.isEmpty() && QFileInfo::exists(saved))
        return saved;
    for (const std::filesystem::path& run : findRunFolders(runsRoot().toStdString()))
        if (std::filesystem::exists(run / "best.pt"))
            return QString::fromStdString((run / "best.pt").string());
    return {};
}

bool ViewerPage::isBusy() const
{
    return m_loadThread->isRunning() || m_modelThread->isRunning() || m_predictThread->isRunning() || m_batch->isBusy();
}

QString ViewerPage::currentFile() const
{
    return m_opened ? QString::fromStdString(m_opened->slice.file) : QString();
}

void ViewerPage::cancelAndWait()
{
    for (WorkerThread* thread : {m_loadThread, m_modelThread, m_predictThread})
        thread->stop();
    m_batch->cancelAndWait();
}

void ViewerPage::chooseImage()
{
    const QString start = QSettings().value(QStringLiteral("viewer/lastFolder"), QDir::homePath()).toString();
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Image"), start,
                                                      tr("Images (*.dcm *.dicom *.ima *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;All files (*)"));
    if (!file.isEmpty())
        openImage(file);
}

void ViewerPage::openImage(const QString& file, std::optional<int> frame)
{
    m_loadThread->stop();
    const std::filesystem::path path = QDir::toNativeSeparators(file).toStdString();
    auto* task = new EngineTask([path, frame](TrainingControl&, const EngineTask::Progress&) {
        auto opened = std::make_shared<OpenedSlice>();
        opened->slice = loadViewerSlice(path, frame);
        if (opened->slice.info.format == ImageFormat::Dicom)
            opened->tags = readDicomTags(path);
        return QVariant::fromValue(SharedOpenedSlice(opened));
    });
    connect(task, &EngineTask::succeeded, this, [this, file](const QVariant& v) {
        m_loadThread->stop(false);
        QSettings().setValue(QStringLiteral("viewer/lastFolder"), QFileInfo(file).absolutePath());
        showOpened(v.value<SharedOpenedSlice>());
    });
    connect(task, &EngineTask::failed, this, [this](const QString& message) {
        m_loadThread->stop(false);
        emit statusMessage(message);
        emit openFailed(message);
    });
    m_loadThread->start(task, [task] { task->run(); }, [task] { task->requestStop(); });
}

void ViewerPage::showOpened(const SharedOpenedSlice& opened)
{
    const bool sameFile = m_opened && m_opened->slice.file == opened->slice.file;
    m_opened = opened;
    const auto window = m_view->window();
    m_view->setSlice(opened->slice);
    if (sameFile)
        m_view->setWindow(window); // a new frame keeps the reader's window
    m_invert->setChecked(m_view->isInverted());
    m_tags->setTags(opened->tags);
    m_tags->setIdentifiersHidden(m_hideIdentifiers->isChecked());
    const SliceInfo& info = opened->slice.info;
    for (QAction* action : m_frameActions)
        action->setVisible(info.frames > 1);
    m_frame->setRange(0, std::max(0, info.frames - 1));
    m_frame->setValue(info.frame);
    m_frameLabel->setText(tr("Frame %1/%2").arg(info.frame + 1).arg(info.frames));
    updateCorners();
    updateWindowLabel();
    m_lastPrediction.reset();
    m_prediction->clearPrediction();
    predictCurrent();
    emit statusMessage(tr("Opened %1").arg(QDir::toNativeSeparators(QString::fromStdString(opened->slice.file))));
    emit imageOpened(QString::fromStdString(opened->slice.file));
}

void ViewerPage::loadModel(const QString& modelFile)
{
    m_modelThread->stop();
    m_prediction->setBusy(tr("Loading the model..."));
    auto* task = new EngineTask([modelFile](TrainingControl&, const EngineTask::Progress&) {
        return QVariant::fromValue(std::make_shared<SliceClassifier>(QDir::toNativeSeparators(modelFile).toStdString()));
    });
    connect(task, &EngineTask::succeeded, this, [this, modelFile](const QVariant& v) {
        m_modelThread->stop(false);
        m_classifier = v.value<SharedClassifier>();
        QSettings().setValue(QStringLiteral("viewer/model"), modelFile);
        const QString name = QFileInfo(modelFile).dir().dirName() + QLatin1Char('/') + QFileInfo(modelFile).fileName();
        m_prediction->setModel(name, QString::fromStdString(m_classifier->summary()), toQStringList(m_classifier->classNames()));
        emit modelLoaded(modelFile);
        predictCurrent();
    });
    connect(task, &EngineTask::failed, this, [this](const QString& message) {
        m_modelThread->stop(false);
        m_prediction->clearModel(message);
        emit statusMessage(message);
    });
    m_modelThread->start(task, [task] { task->run(); }, [task] { task->requestStop(); });
}

void ViewerPage::predictCurrent()
{
    if (!m_opened || !m_classifier)
        return;
    if (m_predictThread->isRunning()) {
        m_predictAgain = true; // the newest request wins once the running one ends
        return;
    }
    m_predictAgain = false;
    m_prediction->setBusy(tr("Predicting..."));
    const SharedClassifier classifier = m_classifier;
    const std::filesystem::path file = m_opened->slice.file;
    const int frame = m_opened->slice.info.frame;
    const int saliency = m_prediction->saliencyClass();
    auto* task = new EngineTask([classifier, file, frame, saliency](TrainingControl&, const EngineTask::Progress&) {
        return QVariant::fromValue(SharedSlicePrediction(std::make_shared<const SlicePrediction>(classifier->classify(file, frame, saliency))));
    });
    connect(task, &EngineTask::succeeded, this, [this](const QVariant& v) {
        m_predictThread->stop(false);
        if (m_predictAgain)
            return predictCurrent();
        showPrediction(v.value<SharedSlicePrediction>());
    });
    connect(task, &EngineTask::failed, this, [this](const QString& message) {
        m_predictThread->stop(false);
        m_prediction->setError(message);
    });
    m_predictThread->start(task, [task] { task->run(); }, [task] { task->requestStop(); });
}

void ViewerPage::showPrediction(const SharedSlicePrediction& result)
{
    if (!m_opened || result->prediction.file != m_opened->slice.file)
        return; // an answer about a slice no longer shown
    m_lastPrediction = result;
    QStringList warnings;
    for (const std::string& w : result->warnings)
        warnings << QString::fromStdString(w);
    m_prediction->setPrediction(result->prediction.probabilities, result->prediction.predicted, warnings);
    if (!result->saliency.isEmpty() && result->saliency.width == m_opened->slice.width && result->saliency.height == m_opened->slice.height)
        m_view->setHeatmap(result->saliency.values, result->saliency.width, result->saliency.height);
    else
        m_view->clearHeatmap();
    emit predicted();
}

void ViewerPage::applyWindowPreset(WindowPreset preset)
{
    if (!m_opened)
        return;
    const auto [low, high] = windowFor(m_opened->slice, preset);
    m_view->setWindow({(low + high) / 2, std::max(1e-6, high - low)});
    m_presets->setCurrentIndex(m_presets->findData(int(preset)));
}

void ViewerPage::setIdentifiersHidden(bool hidden)
{
    m_hideIdentifiers->setChecked(hidden);
    QSettings().setValue(QStringLiteral("viewer/hideIdentifiers"), hidden);
    m_tags->setIdentifiersHidden(hidden);
    updateCorners();
}

QString ViewerPage::cornerText(int corner) const
{
    if (!m_opened)
        return {};
    const SliceOverlay overlay{&m_opened->tags, &m_opened->slice.info, QString::fromStdString(m_opened->slice.file), m_view->zoom(),
                               m_view->window().center, m_view->window().width, m_hideIdentifiers->isChecked()};
    return overlay.corner(corner);
}

void ViewerPage::updateCorners()
{
    m_view->setCornerText({cornerText(0), cornerText(1), cornerText(2), cornerText(3)});
}

void ViewerPage::updateWindowLabel()
{
    m_windowLabel->setText(tr("window centre %1, width %2").arg(number(m_view->window().center), number(m_view->window().width)));
    updateCorners();
}

bool ViewerPage::exportReport(const QString& file, bool includeIdentifiers, QString* error)
{
    if (!m_opened) {
        if (error)
            *error = tr("Open a slice first.");
        return false;
    }
    return writeSliceReportPdf(currentReport(includeIdentifiers), file, error);
}

SliceReport ViewerPage::currentReport(bool includeIdentifiers) const
{
    SliceReport report;
    if (!m_opened)
        return report;
    report.slice = m_view->renderedImage(false);
    if (m_view->hasHeatmap())
        report.heatmap = m_view->renderedImage(true);
    report.windowText = tr("Window centre %1, width %2").arg(number(m_view->window().center), number(m_view->window().width));
    if (m_classifier) {
        report.classNames = toQStringList(m_classifier->classNames());
        report.modelName = QString::fromStdString(m_classifier->file().parent_path().filename().string() + "/" + m_classifier->file().filename().string());
        report.modelSummary = QString::fromStdString(m_classifier->summary());
    }
    if (m_lastPrediction) {
        report.probabilities = m_lastPrediction->prediction.probabilities;
        report.predicted = m_lastPrediction->prediction.predicted;
        report.heatmapClass = report.classNames.value(m_lastPrediction->saliency.forClass);
        for (const std::string& w : m_lastPrediction->warnings)
            report.warnings << QString::fromStdString(w);
    }
    report.identifiersIncluded = includeIdentifiers;
    if (includeIdentifiers) {
        const auto& tags = m_opened->tags;
        for (const char* name : {"PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyDescription", "SeriesDescription", "InstitutionName"})
            if (const std::string v = tagValue(tags, name); !v.empty())
                report.identifiers << QStringLiteral("%1: %2").arg(QString::fromLatin1(name), QString::fromStdString(v));
        report.identifiers << tr("File: %1").arg(QDir::toNativeSeparators(currentFile()));
    }
    return report;
}

void ViewerPage::chooseAndExportReport()
{
    if (!m_opened)
        return;
    const QString file = askExportFile(this, tr("Save Report"), QFileInfo(currentFile()).completeBaseName() + QStringLiteral("-report.pdf"), tr("PDF (*.pdf)"));
    if (file.isEmpty())
        return;
    QMessageBox ask(QMessageBox::Question, tr("Save Report"), tr("Include patient and study identifiers in the report?"),
                    QMessageBox::Yes | QMessageBox::No, this);
    ask.setDefaultButton(QMessageBox::No);
    const bool include = ask.exec() == QMessageBox::Yes;
    QString error;
    if (!exportReport(file, include, &error))
        QMessageBox::warning(this, tr("Save Report"), error);
    else
        emit statusMessage(tr("Report saved to %1").arg(QDir::toNativeSeparators(file)));
}

void ViewerPage::predictFolder(const QString& folder)
{
    if (!m_classifier) {
        emit statusMessage(tr("Load a model first."));
        return;
    }
    m_batch->predictFolder(m_classifier, folder);
}

void ViewerPage::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void ViewerPage::dropEvent(QDropEvent* event)
{
    const QString file = event->mimeData()->urls().front().toLocalFile();
    if (QFileInfo(file).isDir())
        predictFolder(file);
    else
        openImage(file);
    event->acceptProposedAction();
}

} // namespace neurodx::ui
