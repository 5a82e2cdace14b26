#include "DicomTags.h"
#include "DicomTagCollection.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "imaging/DicomStructure.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomText.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <algorithm>
#include <cstdio>
#include <set>

namespace neurodx {

namespace {

constexpr std::size_t kMaxValueLength = 512;

// The basic de-identification profile's attributes a screenshot or report must be able to hide.
bool isIdentifying(const DcmTagKey& key)
{
    static const std::set<DcmTagKey> identifying = {
        DCM_PatientName, DCM_PatientID, DCM_PatientBirthDate, DCM_PatientBirthTime, DCM_RETIRED_OtherPatientIDs, DCM_OtherPatientIDsSequence, DCM_OtherPatientNames,
        DCM_PatientAddress, DCM_PatientTelephoneNumbers, DCM_PatientMotherBirthName, DCM_MilitaryRank, DCM_EthnicGroup,
        DCM_PatientAge, DCM_PatientSex, DCM_PatientSize, DCM_PatientWeight, DCM_AccessionNumber, DCM_StudyID,
        DCM_InstitutionName, DCM_InstitutionAddress, DCM_InstitutionalDepartmentName, DCM_ReferringPhysicianName,
        DCM_PerformingPhysicianName, DCM_OperatorsName, DCM_NameOfPhysiciansReadingStudy, DCM_StationName,
        DCM_DeviceSerialNumber, DCM_StudyDate, DCM_SeriesDate, DCM_AcquisitionDate, DCM_ContentDate, DCM_StudyTime,
        DCM_SeriesTime, DCM_AcquisitionTime, DCM_ContentTime, DCM_AcquisitionDateTime, DCM_StudyInstanceUID,
        DCM_SeriesInstanceUID, DCM_SOPInstanceUID, DCM_MediaStorageSOPInstanceUID, DCM_FrameOfReferenceUID,
        DCM_RequestingPhysician, DCM_AdmittingDiagnosesDescription, DCM_PatientComments, DCM_ImageComments};
    return identifying.count(key) > 0;
}

std::string valueOf(DcmElement& element)
{
    const DcmEVR vr = element.getVR();
    const bool binary = vr == EVR_OB || vr == EVR_OW || vr == EVR_OF || vr == EVR_OD || vr == EVR_OL || vr == EVR_UN ||
                        vr == EVR_pixelSQ || vr == EVR_ox || element.getTag() == DCM_PixelData;
    if (binary)
        return "<binary, " + std::to_string(element.getLength()) + " bytes>";
    OFString text;
    if (element.getOFStringArray(text).bad())
        return "<unreadable>";
    std::string value = validUtf8(text.c_str());
    if (value.size() > kMaxValueLength)
        value = value.substr(0, kMaxValueLength) + "...";
    return value;
}

void collect(DcmItem& item, std::vector<DicomTagNode>& out)
{
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* element = item.getElement(i);
        if (!element)
            continue;
        DcmTag tag = element->getTag();
        DicomTagNode node;
        char key[16];
        std::snprintf(key, sizeof key, "(%04X,%04X)", tag.getGroup(), tag.getElement());
        node.tag = key;
        node.name = tag.getTagName();
        node.vr = DcmVR(element->getVR()).getVRName();
        node.identifying = isIdentifying(tag.getXTag());
        if (element->getVR() == EVR_SQ) {
            auto* sequence = static_cast<DcmSequenceOfItems*>(element);
            node.value = std::to_string(sequence->card()) + (sequence->card() == 1 ? " item" : " items");
            for (unsigned long n = 0; n < sequence->card(); ++n) {
                DicomTagNode child;
                child.name = "Item " + std::to_string(n + 1);
                collect(*sequence->getItem(n), child.children);
                child.identifying = std::any_of(child.children.begin(), child.children.end(), [](const DicomTagNode& c) { return c.identifying; });
                node.children.push_back(std::move(child));
            }
            node.identifying = node.identifying || std::any_of(node.children.begin(), node.children.end(), [](const DicomTagNode& c) { return c.identifying; });
        } else {
            node.value = valueOf(*element);
        }
        out.push_back(std::move(node));
    }
}

} // namespace

bool isIdentifyingAttribute(const std::string& keyword)
{
    DcmTag tag;
    return DcmTag::findTagFromName(keyword.c_str(), tag).good() && isIdentifying(tag.getXTag());
}

std::vector<DicomTagNode> readDicomTags(const std::filesystem::path& file)
{
    ensureDcmtkReady();
    checkDicomStructure(file); // before DCMTK: nesting, element count and size limits
    DcmFileFormat fileFormat;
    const OFCondition status = fileFormat.loadFile(file.string().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    if (status.bad())
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not a readable DICOM file (") + status.text() + ")");
    convertDicomTextToUtf8(*fileFormat.getDataset());
    return collectDicomTags(fileFormat);
}

std::vector<DicomTagNode> collectDicomTags(DcmFileFormat& fileFormat)
{
    std::vector<DicomTagNode> tags;
    collect(*fileFormat.getMetaInfo(), tags);
    collect(*fileFormat.getDataset(), tags);
    return tags;
}

std::string tagValue(const std::vector<DicomTagNode>& tags, const std::string& name)
{
    for (const DicomTagNode& node : tags)
        if (node.name == name)
            return node.value;
    return {};
}

} // namespace neurodx
