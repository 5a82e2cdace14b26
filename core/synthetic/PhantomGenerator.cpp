#include "PhantomGenerator.h"

#include "common/AtomicFile.h"
#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "imaging/DicomWriter.h"
#include "synthetic/PhantomTissue.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fs = std::filesystem;

namespace neurodx {

namespace {

constexpr double kPi = 3.14159265358979323846;

} // namespace

PhantomSubject drawPhantomSubject(std::uint64_t seed, int subjectIndex, double diseaseLevel, double difficulty)
{
    SeededRandom random(SeededRandom::derive(seed, 0x5B1EC7ull + static_cast<std::uint64_t>(subjectIndex)));
    difficulty = std::clamp(difficulty, 0.0, 1.0);
    PhantomSubject s;
    s.headRadiusX = random.uniform(0.35, 0.42);
    s.headRadiusY = random.uniform(0.42, 0.47);
    s.rotation = random.uniform(-0.14, 0.14);
    s.offsetX = random.uniform(-0.03, 0.03);
    s.offsetY = random.uniform(-0.03, 0.03);
    s.skullThickness = random.uniform(0.03, 0.06);
    s.gyralFrequency = std::floor(random.uniform(9, 17));
    s.gyralPhase = random.uniform(0, 2 * kPi);
    s.gyralAmplitude = random.uniform(0.01, 0.035);
    const int sulci = 12 + static_cast<int>(random.below(10));
    for (int i = 0; i < sulci; ++i) {
        s.sulcusAngles.push_back(random.uniform(-kPi, kPi));
        s.sulcusDepths.push_back(random.uniform(0.07, 0.2));
    }
    s.gain = random.uniform(0.8, 1.15);
    s.greyWhiteContrast = random.uniform(0.12, 0.24);
    s.biasX = random.uniform(-0.25, 0.25);
    s.biasY = random.uniform(-0.25, 0.25);
    s.biasXY = random.uniform(-0.4, 0.4);
    s.noiseSigma = random.uniform(0.015, 0.045);
    s.centreLevel = random.uniform(0.46, 0.54);
    // Individual variation around the class level grows with difficulty, so classes overlap.
    const double spread = 0.1 + 0.3 * difficulty;
    s.atrophy = std::clamp(std::clamp(diseaseLevel, 0.0, 1.0) * (1.0 - 0.35 * difficulty) + spread * random.normal(), -0.15, 1.5);
    s.ventricleScale = std::exp((0.12 + 0.16 * difficulty) * random.normal());
    return s;
}

cv::Mat renderPhantomSlice(const PhantomSubject& s, double level, int size, std::uint64_t noiseSeed)
{
    if (size < 16 || size > 4096)
        throw NeuroDxError(ErrorKind::InvalidArgument, "phantom size must be 16..4096 pixels, not " + std::to_string(size));
    const double section = phantom::crossSection(level);
    const double rx = s.headRadiusX * section, ry = s.headRadiusY * section;
    const double cosR = std::cos(s.rotation), sinR = std::sin(s.rotation);
    const phantom::Tissue tissue = phantom::tissueLevels(s);

    cv::Mat image(size, size, CV_32FC1);
    for (int y = 0; y < size; ++y) {
        float* row = image.ptr<float>(y);
        for (int x = 0; x < size; ++x) {
            const double px = (x + 0.5) / size - 0.5 - s.offsetX;
            const double py = (y + 0.5) / size - 0.5 - s.offsetY;
            const double qx = cosR * px + sinR * py, qy = -sinR * px + cosR * py;
            const double value = phantom::tissueAt(s, tissue, qx / rx, qy / ry, level);
            const double bias = 1.0 + s.biasX * px + s.biasY * py + s.biasXY * px * py;
            row[x] = static_cast<float>(value * bias);
        }
    }
    // Partial volume: tissue boundaries in a real scan are a voxel wide, not a hard step.
    cv::GaussianBlur(image, image, cv::Size(0, 0), 0.5 * size / 128.0 + 0.3);

    // Rician noise, as in magnitude MR images: |signal + complex Gaussian noise|.
    SeededRandom noise(noiseSeed);
    for (int y = 0; y < size; ++y) {
        float* row = image.ptr<float>(y);
        for (int x = 0; x < size; ++x) {
            const double re = row[x] + s.noiseSigma * noise.normal();
            const double im = s.noiseSigma * noise.normal();
            row[x] = static_cast<float>(std::clamp(std::sqrt(re * re + im * im), 0.0, 1.0));
        }
    }
    return image;
}

namespace {

std::string subjectIdFor(int globalIndex)
{
    char text[32];
    std::snprintf(text, sizeof text, "%03d_S_%04d", 2 + (globalIndex * 37) % 140, 4000 + globalIndex);
    return text;
}

void checkOptions(const PhantomOptions& o)
{
    const auto bad = [](const std::string& what) { throw NeuroDxError(ErrorKind::InvalidArgument, what); };
    if (o.subjectsPerClass < 1 || o.subjectsPerClass > 5000)
        bad("subjects per class must be 1..5000");
    if (o.slicesPerSubject < 1 || o.slicesPerSubject > 200)
        bad("slices per subject must be 1..200");
    if (o.size < 16 || o.size > 1024)
        bad("image size must be 16..1024 pixels");
    if (!(o.difficulty >= 0.0 && o.difficulty <= 1.0))
        bad("difficulty must be between 0 and 1");
    if (o.classNames.size() < 2)
        bad("at least two classes are needed");
}

} // namespace

SyntheticDatasetSummary writeSyntheticDataset(const fs::path& root, const PhantomOptions& options, const CancelToken* cancel,
                                              const std::function<void(int, int)>& progress)
{
    checkOptions(options);
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, root, "cannot create the folder: " + ec.message());

    SyntheticDatasetSummary summary;
    summary.root = root;
    const int classes = static_cast<int>(options.classNames.size());
    const int total = classes * options.subjectsPerClass * options.slicesPerSubject;
    std::string csv = "\"Image Data ID\",\"Subject\",\"Group\",\"Sex\",\"Age\",\"Visit\",\"Modality\",\"Description\",\"Type\",\"Acq Date\",\"Format\",\"Downloaded\"\n";

    for (int label = 0; label < classes; ++label) {
        const double diseaseLevel = static_cast<double>(label) / (classes - 1);
        for (int i = 0; i < options.subjectsPerClass; ++i) {
            const int globalIndex = label * options.subjectsPerClass + i;
            const std::string subject = subjectIdFor(globalIndex);
            const PhantomSubject anatomy = drawPhantomSubject(options.seed, globalIndex, diseaseLevel, options.difficulty);
            const bool asDicom = options.format == PhantomOptions::Format::Dicom ||
                                 (options.format == PhantomOptions::Format::Mixed && globalIndex % 2 == 1);
            const fs::path folder = root / options.classNames[static_cast<std::size_t>(label)] / subject;
            fs::create_directories(folder, ec);
            if (ec)
                throw NeuroDxError(ErrorKind::Io, folder, "cannot create the folder: " + ec.message());
            SeededRandom demographics(SeededRandom::derive(options.seed, 0xDE30ull + static_cast<std::uint64_t>(globalIndex)));
            const char* sex = demographics.below(2) ? "F" : "M";
            const int age = 60 + static_cast<int>(demographics.below(31));

            for (int j = 0; j < options.slicesPerSubject; ++j) {
                if (cancel && cancel->isCancelled())
                    throw NeuroDxError(ErrorKind::Cancelled, "writing the synthetic dataset was cancelled");
                const double step = options.slicesPerSubject > 1 ? 0.34 / (options.slicesPerSubject - 1) : 0.0;
                const double level = anatomy.centreLevel + (j - (options.slicesPerSubject - 1) / 2.0) * step;
                const std::uint64_t sliceSeed = SeededRandom::derive(options.seed, 0x510CEull + static_cast<std::uint64_t>(globalIndex) * 1000 + static_cast<std::uint64_t>(j));
                const cv::Mat unit = renderPhantomSlice(anatomy, level, options.size, sliceSeed);
                const int imageId = 100000 + globalIndex * 1000 + j;
                char stem[160];
                std::snprintf(stem, sizeof stem, "ADNI_%s_MR_Synthetic_Axial_z%03d_I%d", subject.c_str(),
                              static_cast<int>(std::lround(level * 180)), imageId);
                const fs::path file = folder / (std::string(stem) + (asDicom ? ".dcm" : ".png"));

                if (asDicom) {
                    cv::Mat stored;
                    unit.convertTo(stored, CV_16U, 4000.0);
                    DicomWriteOptions dicom;
                    dicom.bitsStored = 12;
                    dicom.windowCenter = 2000;
                    dicom.windowWidth = 4000;
                    dicom.pixelSpacingMm = 256.0 / options.size;
                    dicom.patientId = subject; // a synthetic ADNI-style id, not a person
                    dicom.patientName = "SYNTHETIC^PHANTOM";
                    dicom.seriesDescription = "Synthetic Axial T1";
                    dicom.uidSeed = sliceSeed;
                    writeDicom(file, {stored}, dicom);
                } else {
                    cv::Mat bytes;
                    unit.convertTo(bytes, CV_8U, 255.0);
                    std::vector<unsigned char> png;
                    if (!cv::imencode(".png", bytes, png))
                        throw NeuroDxError(ErrorKind::Io, file, "PNG encoding failed");
                    writeFileAtomically(file, std::string(png.begin(), png.end()));
                }
                summary.files.push_back(fs::relative(file, root).generic_string());
                csv += "\"I" + std::to_string(imageId) + "\",\"" + subject + "\",\"" + options.classNames[static_cast<std::size_t>(label)] +
                       "\",\"" + sex + "\",\"" + std::to_string(age) + "\",\"sc\",\"MRI\",\"Synthetic Axial T1\",\"Original\",\"1/01/2000\",\"" +
                       (asDicom ? "DCM" : "PNG") + "\",\"\"\n";
                ++summary.images;
                if (progress)
                    progress(summary.images, total);
            }
            ++summary.subjects;
        }
    }
    if (options.writeMetadataCsv)
        writeFileAtomically(root / "metadata.csv", csv);
    std::sort(summary.files.begin(), summary.files.end());
    return summary;
}

} // namespace neurodx
