#include "ViewerPage.h"

#include "BatchPredictionView.h"
#include "DicomTagTree.h"
#include "JobRunner.h"
#include "ModelDocument.h"
#include "QtStrings.h"
#include "PredictionPanel.h"
#include "RunsLocation.h"
#include "ScanPane.h"
#include "ScanSession.h"
#include "SliceOverlay.h"
#include "SliceView.h"
#include "ViewerToolBar.h"

#include "inference/InputWarnings.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace neurodx::ui {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

ViewerPage::ViewerPage(ModelDocument* model, QWidget* parent)
    : QWidget(parent),
      m_toolBar(new ViewerToolBar),
      m_view(new SliceView),
      m_prediction(new PredictionPanel),
      m_tags(new DicomTagTree),
      m_batch(new BatchPredictionView),
      m_scan(new ScanPane(m_view, m_prediction)),
      m_pixel(new QLabel),
      m_windowLabel(new QLabel),
      m_model(model ? model : new ModelDocument(this)),
      m_loadJobs(new JobRunner(this)),
      m_predictJobs(new JobRunner(this))
{
    qRegisterMetaType<SharedOpenedSlice>();
    qRegisterMetaType<SharedSlicePrediction>();
    qRegisterMetaType<ViewerDocument>();
    setObjectName(QStringLiteral("viewerPage"));
    setAcceptDrops(true);
    connectToolBar();

    m_pixel->setObjectName(QStringLiteral("pixelReadout"));
    m_pixel->setToolTip(tr("The pixel under the cursor, in modality units (after rescale slope and intercept)"));
    m_windowLabel->setObjectName(QStringLiteral("windowReadout"));
    connect(m_view, &SliceView::pixelHovered, this, [this](int x, int y, double value) {
        m_pixel->setText(x < 0 ? QString() : tr("x %1  y %2  value %3").arg(x).arg(y).arg(number(value)));
    });
    connect(m_view, &SliceView::windowChanged, this, &ViewerPage::updateWindowLabel);
    connect(m_view, &SliceView::zoomChanged, this, &ViewerPage::updateCorners);
    connect(m_prediction, &PredictionPanel::chooseModelRequested, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose Model"), classifier() ? QString::fromStdString(classifier()->file().string()) : runsRoot(),
                                                          tr("Models (*.pt *.h5);;NeuroDx models (*.pt);;Keras models (*.h5);;All files (*)"));
        if (!file.isEmpty())
            loadModel(file);
    });
    connect(m_prediction, &PredictionPanel::heatmapVisibilityChanged, m_view, &SliceView::setHeatmapVisible);
    connect(m_prediction, &PredictionPanel::heatmapOpacityChanged, m_view, &SliceView::setHeatmapOpacity);
    connect(m_prediction, &PredictionPanel::saliencyClassChanged, this, &ViewerPage::predictCurrent);
    connect(m_prediction, &PredictionPanel::calibrationToggled, this, &ViewerPage::setCalibrated);
    connect(m_scan, &ScanPane::sliceShown, this, &ViewerPage::showScanSlice);
    connect(m_scan, &ScanPane::slicePredicted, this, [this] {
        m_lastPrediction = m_scan->session()->slicePrediction();
        emit predicted();
    });
    connect(m_scan, &ScanPane::scanPredicted, this, &ViewerPage::scanPredicted);
    connect(m_scan, &ScanPane::statusMessage, this, &ViewerPage::statusMessage);

    m_batch->hide();
    connect(m_batch, &BatchPredictionView::fileActivated, this, [this](const QString& file) { openImage(file); });
    connect(m_batch, &BatchPredictionView::statusMessage, this, &ViewerPage::statusMessage);
    connect(m_batch, &BatchPredictionView::finished, this, [this](int files) {
        m_batch->show();
        emit batchFinished(files);
    });

    auto* side = new QTabWidget;
    // Scrolled rather than squeezed: a scan's model, verdict, slice and saliency boxes together
    // are taller than a laptop screen leaves them, and squeezed bars and labels were cut off.
    auto* predictionScroll = new QScrollArea;
    predictionScroll->setWidget(m_prediction);
    predictionScroll->setWidgetResizable(true);
    predictionScroll->setFrameShape(QFrame::NoFrame);
    predictionScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    side->addTab(predictionScroll, tr("Prediction"));
    side->addTab(m_tags, tr("DICOM Tags"));
    auto* viewBox = new QWidget;
    auto* viewLayout = new QVBoxLayout(viewBox);
    viewLayout->setContentsMargins(0, 0, 0, 0);
    viewLayout->addWidget(m_view, 1);
    viewLayout->addWidget(m_scan);
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

    connect(m_model, &ModelDocument::loading, this, [this] { m_prediction->setBusy(tr("Loading the model...")); });
    connect(m_model, &ModelDocument::loaded, this, &ViewerPage::showModel);
    connect(m_model, &ModelDocument::failed, this, [this](const QString& message) {
        m_prediction->clearModel(message);
        emit statusMessage(message);
    });
    if (m_model->classifier())
        showModel(m_model->classifier(), m_model->file());
    else
        m_prediction->clearModel(tr("No model yet: train one (Training page) or choose a model file."));
}

ViewerPage::~ViewerPage() = default;

SharedClassifier ViewerPage::classifier() const
{
    return m_model->classifier();
}

void ViewerPage::connectToolBar()
{
    connect(m_toolBar, &ViewerToolBar::openRequested, this, &ViewerPage::chooseImage);
    connect(m_toolBar, &ViewerToolBar::openScanRequested, this, &ViewerPage::chooseScanFolder);
    connect(m_toolBar, &ViewerToolBar::predictFolderRequested, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Predict Folder"), QDir::homePath());
        if (!folder.isEmpty())
            predictFolder(folder);
    });
    connect(m_toolBar, &ViewerToolBar::reportRequested, this, &ViewerPage::chooseAndExportReport);
    connect(m_toolBar, &ViewerToolBar::fitRequested, m_view, &SliceView::fitToWindow);
    connect(m_toolBar, &ViewerToolBar::zoomRequested, m_view, &SliceView::setZoom);
    connect(m_toolBar, &ViewerToolBar::presetChosen, this, &ViewerPage::applyWindowPreset);
    connect(m_toolBar, &ViewerToolBar::invertToggled, m_view, &SliceView::setInverted);
    connect(m_toolBar, &ViewerToolBar::resetRequested, this, [this] {
        m_view->reset();
        m_toolBar->setInverted(m_view->isInverted());
    });
    connect(m_toolBar, &ViewerToolBar::identifiersHiddenToggled, this, &ViewerPage::setIdentifiersHidden);
    m_toolBar->setIdentifiersHidden(true); // the safe default until loadSettings() brings the user's choice
    connect(m_toolBar, &ViewerToolBar::frameChosen, this, [this](int frame) {
        if (m_opened && !isScanOpen())
            openImage(QString::fromStdString(m_opened->slice.file), frame);
    });
}

bool ViewerPage::isBusy() const
{
    return m_loadJobs->isBusy() || m_model->isBusy() || m_predictJobs->isBusy() || m_batch->isBusy() || m_scan->isBusy();
}

bool ViewerPage::isScanOpen() const
{
    return m_scan->isOpen();
}

QString ViewerPage::currentFile() const
{
    if (isScanOpen())
        return QString::fromStdString(m_scan->session()->scan().path.string());
    return m_opened ? QString::fromStdString(m_opened->slice.file) : QString();
}

void ViewerPage::cancelAndWait()
{
    for (JobRunner* jobs : {m_loadJobs, m_predictJobs})
        jobs->cancelAndWait();
    m_model->cancelAndWait();
    m_batch->cancelAndWait();
    m_scan->cancelAndWait();
}

void ViewerPage::chooseImage()
{
    const QString start = QSettings().value(QStringLiteral("viewer/lastFolder"), QDir::homePath()).toString();
    const QString file = QFileDialog::getOpenFileName(this, tr("Open Image"), start,
                                                      tr("Images and scans (*.dcm *.dicom *.ima *.nii *.nii.gz *.png *.jpg *.jpeg *.bmp *.tif *.tiff);;"
                                                         "NIfTI scans (*.nii *.nii.gz);;All files (*)"));
    if (!file.isEmpty())
        openImage(file);
}

void ViewerPage::chooseScanFolder()
{
    const QString start = QSettings().value(QStringLiteral("viewer/lastFolder"), QDir::homePath()).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Scan Folder"), start);
    if (!folder.isEmpty())
        openPath(folder);
}

void ViewerPage::openImage(const QString& file, std::optional<int> frame)
{
    startOpening(file, frame, {});
}

void ViewerPage::openPath(const QString& path, std::function<void(const QString&)> ifNoScan)
{
    startOpening(path, std::nullopt, std::move(ifNoScan));
}

void ViewerPage::startOpening(const QString& file, std::optional<int> frame, std::function<void(const QString&)> ifNoScan)
{
    const std::filesystem::path path = QDir::toNativeSeparators(file).toStdString();
    const auto failed = [this](const QString& message) {
        emit statusMessage(message);
        emit openFailed(message);
    };
    m_loadJobs->run<ViewerDocument>(
        [path, frame](JobContext& job) { return openViewerDocument(path, frame, &job.cancelToken()); },
        {[this, file, ifNoScan](const ViewerDocument& document) { showDocument(document, file, ifNoScan); }, failed});
}

void ViewerPage::showDocument(const ViewerDocument& document, const QString& file, const std::function<void(const QString&)>& ifNoScan)
{
    QSettings().setValue(QStringLiteral("viewer/lastFolder"), QFileInfo(file).absolutePath());
    if (document.scan)
        return showScan(document.scan, file);
    if (document.slice) {
        showOpened(document.slice);
        if (!document.note.isEmpty())
            emit statusMessage(document.note);
        return;
    }
    if (ifNoScan)
        return ifNoScan(file);
    const QString message = tr("%1: no DICOM series or NIfTI scan found in this folder").arg(QDir::toNativeSeparators(file));
    emit statusMessage(message);
    emit openFailed(message);
}

void ViewerPage::showOpened(const SharedOpenedSlice& opened)
{
    const bool sameFile = !isScanOpen() && m_opened && m_opened->slice.file == opened->slice.file;
    m_scan->close();
    m_opened = opened;
    const auto window = m_view->window();
    m_view->setSlice(opened->slice);
    if (sameFile)
        m_view->setWindow(window); // a new frame keeps the reader's window
    m_toolBar->setInverted(m_view->isInverted());
    m_tags->setTags(opened->tags);
    m_tags->setIdentifiersHidden(m_toolBar->identifiersHidden());
    m_toolBar->setFrames(opened->slice.info.frame, opened->slice.info.frames);
    updateCorners();
    updateWindowLabel();
    m_lastPrediction.reset();
    m_prediction->clearPrediction();
    predictCurrent();
    emit statusMessage(tr("Opened %1").arg(QDir::toNativeSeparators(QString::fromStdString(opened->slice.file))));
    emit imageOpened(QString::fromStdString(opened->slice.file));
}

void ViewerPage::showScan(const SharedOpenedScan& scan, const QString& path)
{
    m_scan->close();
    m_scan->setSaliencyClass(m_prediction->saliencyClass());
    m_scan->open(scan); // shows its first slice (showScanSlice) and predicts it
    m_toolBar->setInverted(m_view->isInverted());
    m_tags->setTags(scan->tags);
    m_tags->setIdentifiersHidden(m_toolBar->identifiersHidden());
    m_toolBar->setFrames(0, 1);
    const Volume& volume = scan->volume;
    emit statusMessage(tr("Opened %1: %2, %3 x %4 x %5")
                           .arg(QDir::toNativeSeparators(path), QString::fromStdString(volume.source.kind))
                           .arg(volume.nx())
                           .arg(volume.ny())
                           .arg(volume.nz()));
    emit scanOpened(path);
    emit imageOpened(path);
}

void ViewerPage::showScanSlice()
{
    auto opened = std::make_shared<OpenedSlice>();
    opened->slice = m_scan->session()->slice();
    opened->tags = m_scan->session()->scan().tags;
    m_opened = opened;
    m_lastPrediction.reset();
    updateWindowLabel(); // and the corners
}

void ViewerPage::loadModel(const QString& modelFile)
{
    m_model->load(modelFile);
}

void ViewerPage::showModel(const SharedClassifier&, const QString& modelFile)
{
    const QString name = QFileInfo(modelFile).dir().dirName() + QLatin1Char('/') + QFileInfo(modelFile).fileName();
    m_prediction->setModel(name, QString::fromStdString(classifier()->summary()), toQStringList(classifier()->classNames()),
                           toQStringList(modelWarnings(classifier()->metadata(), classifier()->classNames().size())));
    m_prediction->setCalibration(QString::fromStdString(classifier()->calibrationText()), classifier()->canCalibrate(), classifier()->isCalibrated());
    m_scan->setClassifier(classifier()); // predicts the open scan, if any
    emit modelLoaded(modelFile);
    if (!isScanOpen())
        predictCurrent();
}

void ViewerPage::loadSettings()
{
    setIdentifiersHidden(QSettings().value(QStringLiteral("viewer/hideIdentifiers"), true).toBool());
    m_model->loadSettings();
}

void ViewerPage::setCalibrated(bool calibrated)
{
    if (!classifier())
        return;
    classifier()->setCalibrated(calibrated); // from the next prediction on; a running one keeps its kind
    m_prediction->setCalibration(QString::fromStdString(classifier()->calibrationText()), classifier()->canCalibrate(), classifier()->isCalibrated());
    if (isScanOpen())
        m_scan->setClassifier(classifier()); // the verdict again, with the other probabilities
    else
        predictCurrent();
}

void ViewerPage::predictCurrent()
{
    if (isScanOpen())
        return m_scan->setSaliencyClass(m_prediction->saliencyClass());
    if (!m_opened || !classifier())
        return;
    if (m_predictJobs->isBusy()) {
        m_predictAgain = true; // the newest request wins once the running one ends
        return;
    }
    m_predictAgain = false;
    m_prediction->setBusy(tr("Predicting..."));
    const SharedClassifier model = classifier();
    const SharedOpenedSlice opened = m_opened; // the slice shown, decoded once when it was opened
    const int saliency = m_prediction->saliencyClass();
    m_predictJobs->run<SharedSlicePrediction>(
        [model, opened, saliency](JobContext&) {
            return SharedSlicePrediction(
                std::make_shared<const SlicePrediction>(model->classify(*opened->slice.decoded, opened->slice.file, saliency)));
        },
        {[this](const SharedSlicePrediction& prediction) {
             if (m_predictAgain)
                 return predictCurrent();
             showPrediction(prediction);
         },
         [this](const QString& message) { m_prediction->setError(message); }});
}

void ViewerPage::showPrediction(const SharedSlicePrediction& result)
{
    if (!m_opened || result->prediction.file != m_opened->slice.file)
        return; // an answer about a slice no longer shown
    m_lastPrediction = result;
    QStringList warnings;
    for (const std::string& w : result->prediction.warnings)
        warnings << QString::fromStdString(w);
    m_prediction->setPrediction(result->prediction.probabilities, result->prediction.predicted, warnings);
    if (classifier()) // the label of the probabilities shown, not of the switch, and the precision they were computed in
        m_prediction->setCalibration(tr("%1; computed in %2")
                                         .arg(QString::fromStdString(classifier()->calibrationText(result->prediction.calibrated)),
                                              QString::fromStdString(result->precision)),
                                     classifier()->canCalibrate(), classifier()->isCalibrated());
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
    m_toolBar->setPreset(preset);
}

bool ViewerPage::identifiersHidden() const
{
    return m_toolBar->identifiersHidden();
}

void ViewerPage::setIdentifiersHidden(bool hidden)
{
    m_toolBar->setIdentifiersHidden(hidden);
    QSettings().setValue(QStringLiteral("viewer/hideIdentifiers"), hidden);
    m_tags->setIdentifiersHidden(hidden);
    updateCorners();
}

QString ViewerPage::cornerText(int corner) const
{
    if (!m_opened)
        return {};
    SliceOverlay overlay{&m_opened->tags, &m_opened->slice.info, currentFile(), m_view->zoom(), m_view->window().center, m_view->window().width,
                         m_toolBar->identifiersHidden(), {}, {}};
    if (isScanOpen()) {
        overlay.scanLines = m_scan->overlayLines();
        overlay.seriesDescription = QString::fromStdString(m_scan->session()->scan().volume.source.seriesDescription);
    }
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

void ViewerPage::predictFolder(const QString& folder)
{
    if (!classifier()) {
        emit statusMessage(tr("Load a model first."));
        return;
    }
    m_batch->predictFolder(classifier(), folder);
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
        openPath(file, [this](const QString& folder) { predictFolder(folder); }); // a folder of 2D images
    else
        openImage(file);
    event->acceptProposedAction();
}

} // namespace neurodx::ui
