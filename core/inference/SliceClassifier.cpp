#include "SliceClassifier.h"

#include "InputWarnings.h"

#include "common/CancelToken.h"
#include "common/ComputeSetup.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "imaging/SliceLoader.h"
#include "inference/Predictor.h"
#include "training/BatchLoader.h"

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <atomic>
#include <mutex>

namespace neurodx {

struct SliceClassifier::Impl {
    std::filesystem::path file;
    Predictor predictor;
    std::mutex mutex;
    // The viewer's switch: read without the lock (a scan may hold it for seconds) and applied to
    // the predictor at the start of each call, so one call never mixes the two kinds.
    std::atomic<bool> calibrated{true};

    Impl(const std::filesystem::path& modelFile, InferencePrecision precision)
        : file(resolveModelPath(modelFile)), predictor(Predictor::fromFile(file, precision))
    {
    }

    Classifier& model() { return *predictor.bundle().model; }
};

namespace {

std::string figure(double value)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

// Grad-CAM in its element-wise form (HiResCAM, Draelos & Carin 2020): the class score's gradient
// times the activation of the last convolutional block, summed over channels, positive part,
// scaled to [0, 1] and resized to the slice. For ResNet50V2's global-average-pooling head this is
// exactly Grad-CAM (the gradient is constant over space); for the CNNs' flatten-dense head,
// Grad-CAM's spatial averaging of the gradient cancels location-specific evidence (measured: an
// all-zero map on a planted feature), while the element-wise product shows where the score came from.
// `features` and `logits` are one pass of Predictor::predictExplainable: the map explains the
// probabilities that pass gave.
SaliencyMap gradCam(Classifier& model, const torch::Tensor& features, const torch::Tensor& logits, int forClass, int width, int height)
{
    logits[0][forClass].backward();
    torch::Tensor cam = torch::relu((features.grad() * features).sum(1)).squeeze(0).detach().to(torch::kCPU).contiguous();
    model.zero_grad();
    const float peak = cam.max().item<float>();
    if (peak > 0)
        cam = cam / peak;
    const cv::Mat small(static_cast<int>(cam.size(0)), static_cast<int>(cam.size(1)), CV_32FC1, cam.data_ptr<float>());
    cv::Mat resized;
    cv::resize(small, resized, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
    SaliencyMap map;
    map.width = width;
    map.height = height;
    map.forClass = forClass;
    map.values.assign(resized.ptr<float>(0), resized.ptr<float>(0) + resized.total());
    return map;
}


} // namespace

SliceClassifier::SliceClassifier(const std::filesystem::path& modelFile, InferencePrecision precision)
    : m_impl(std::make_unique<Impl>(modelFile, precision))
{
}
SliceClassifier::~SliceClassifier() = default;
SliceClassifier::SliceClassifier(SliceClassifier&&) noexcept = default;
SliceClassifier& SliceClassifier::operator=(SliceClassifier&&) noexcept = default;

const std::filesystem::path& SliceClassifier::file() const { return m_impl->file; }
const std::vector<std::string>& SliceClassifier::classNames() const { return m_impl->predictor.classNames(); }
std::string SliceClassifier::architecture() const { return architectureName(m_impl->predictor.bundle().spec.architecture); }
int SliceClassifier::inputSize() const { return m_impl->predictor.bundle().input.size; }
const nlohmann::json& SliceClassifier::metadata() const { return m_impl->predictor.bundle().metadata; }

void SliceClassifier::setCalibrated(bool calibrated)
{
    m_impl->calibrated = calibrated;
}

bool SliceClassifier::isCalibrated() const
{
    return m_impl->calibrated && canCalibrate();
}

bool SliceClassifier::canCalibrate() const { return m_impl->predictor.calibration().isCalibrated(); }
bool SliceClassifier::checksOutliers() const { return m_impl->predictor.hasFeatureDensity(); }

std::string SliceClassifier::calibrationText() const
{
    return calibrationText(isCalibrated());
}

std::string SliceClassifier::calibrationText(bool calibrated) const
{
    if (canCalibrate() && !calibrated)
        return "raw softmax (calibration off)";
    return m_impl->predictor.calibration().describe();
}

std::string SliceClassifier::summary() const
{
    const nlohmann::json& m = metadata();
    std::string text = architecture() + ", " + std::to_string(inputSize()) + " px input";
    const auto number = [](const nlohmann::json& j, const char* key) -> std::optional<double> {
        if (j.is_object() && j.contains(key) && j[key].is_number())
            return j[key].get<double>();
        return std::nullopt;
    };
    if (m.contains("validation")) {
        if (const auto acc = number(m["validation"], "accuracy"))
            text += "; validation accuracy " + figure(*acc);
    }
    if (m.contains("epoch") && m["epoch"].is_number())
        text += " (epoch " + std::to_string(m["epoch"].get<int>() + 1) + ")";
    // A model inside a run folder: the run's test figures (metrics.json) belong to this best.pt.
    const std::filesystem::path metricsFile = file().parent_path() / "metrics.json";
    if (file().filename() == "best.pt" && std::filesystem::exists(metricsFile)) {
        try {
            const nlohmann::json metrics = readJsonFile(metricsFile);
            if (const auto acc = number(metrics.value("slice_level", nlohmann::json()), "accuracy"))
                text += "; test accuracy " + figure(*acc);
            if (const auto auc = number(metrics.value("slice_level", nlohmann::json()), "macro_auc"))
                text += ", macro AUC " + figure(*auc);
        } catch (const NeuroDxError&) {
            // a damaged metrics.json only costs the summary its test figures
        }
    }
    if (m.contains("dataset") && m["dataset"].contains("images"))
        text += "; trained on " + std::to_string(m["dataset"]["images"].get<long long>()) + " images";
    if (!checksOutliers())
        text += "; cannot tell images unlike its training data (the file does not describe them)";
    return text;
}

SlicePrediction SliceClassifier::classify(const std::filesystem::path& file, std::optional<int> frame, std::optional<int> saliencyClass,
                                          double lowConfidence)
{
    return classify(loadSlice(file, frame), file.string(), saliencyClass, lowConfidence);
}

ScanPrediction SliceClassifier::classifyScan(const Volume& canonical, const std::optional<SliceSelection>& selection)
{
    const std::lock_guard<std::mutex> lock(m_impl->mutex);
    m_impl->predictor.setCalibrated(m_impl->calibrated);
    return predictScan(m_impl->predictor, canonical, selection);
}

SlicePrediction SliceClassifier::classify(const Slice& slice, const std::string& name, std::optional<int> saliencyClass, double lowConfidence)
{
    const std::lock_guard<std::mutex> lock(m_impl->mutex);
    if (saliencyClass && *saliencyClass != kPredictedClass && (*saliencyClass < 0 || *saliencyClass >= static_cast<int>(classNames().size())))
        throw NeuroDxError(ErrorKind::InvalidArgument, "no class " + std::to_string(*saliencyClass) + " in this model");
    m_impl->predictor.setCalibrated(m_impl->calibrated);
    // One pass: the probabilities shown and the map explaining them come from the same logits.
    const Predictor::ExplainablePass pass = m_impl->predictor.predictExplainable(slice);
    SlicePrediction result;
    result.prediction = pass.prediction;
    result.precision = pass.precision;
    result.prediction.file = name;
    result.prediction.warnings = predictionWarnings(slice.info, inputSize(), result.prediction, lowConfidence);
    if (saliencyClass) {
        const int forClass = *saliencyClass == kPredictedClass ? result.prediction.predicted : *saliencyClass;
        result.saliency = gradCam(m_impl->model(), pass.features, pass.logits, forClass, slice.pixels.cols, slice.pixels.rows);
    }
    return result;
}

std::vector<Prediction> SliceClassifier::classifyFiles(const std::vector<std::filesystem::path>& files, const CancelToken* cancel,
                                                       const std::function<void(std::size_t, std::size_t)>& progress)
{
    constexpr std::size_t kChunk = 32;
    const bool calibrated = m_impl->calibrated; // one kind for the whole batch
    std::vector<Prediction> predictions;
    predictions.reserve(files.size());
    for (std::size_t start = 0; start < files.size(); start += kChunk) {
        if (cancel && cancel->isCancelled())
            throw NeuroDxError(ErrorKind::Cancelled, "batch prediction cancelled");
        const std::vector<std::filesystem::path> chunk(files.begin() + static_cast<std::ptrdiff_t>(start),
                                                       files.begin() + static_cast<std::ptrdiff_t>(std::min(files.size(), start + kChunk)));
        const std::lock_guard<std::mutex> lock(m_impl->mutex);
        m_impl->predictor.setCalibrated(calibrated);
        for (Prediction& p : m_impl->predictor.predictFiles(chunk))
            predictions.push_back(std::move(p));
        if (progress)
            progress(predictions.size(), files.size());
    }
    return predictions;
}

} // namespace neurodx
