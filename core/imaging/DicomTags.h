#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {

// One attribute of a DICOM file as a viewer shows it; sequences hold their items as children
// (each item a node "Item n" whose children are its attributes).
struct DicomTagNode {
    std::string tag;        // "(0010,0010)"; empty for sequence items
    std::string name;       // "PatientName", "Item 1"
    std::string vr;         // "PN"
    std::string value;      // text, or "<binary, 524288 bytes>"; long values are cut at 512 characters
    bool identifying = false; // names, ids, dates and places that identify a person (PS3.15 E.1-1, basic profile)
    std::vector<DicomTagNode> children;
};

// The file meta information (group 0002) and the dataset, in file order. Pixel data is not
// decoded. Throws NeuroDxError naming the file when it is not a readable DICOM object. (The viewer
// reads a slice and its attributes in one pass: readDicomSlice(file, frame, &tags).)
std::vector<DicomTagNode> readDicomTags(const std::filesystem::path& file);

// Whether the attribute with this keyword ("PatientName", "StudyDate") identifies a person: the
// basic de-identification profile's attributes (PS3.15 E.1-1). The one list that
// DicomTagNode::identifying, the viewer's corners and its reports all follow. False for a keyword
// DCMTK's dictionary does not know.
bool isIdentifyingAttribute(const std::string& keyword);

// The value of a top-level attribute by keyword ("PatientName"), or "" when absent.
std::string tagValue(const std::vector<DicomTagNode>& tags, const std::string& name);

} // namespace neurodx
