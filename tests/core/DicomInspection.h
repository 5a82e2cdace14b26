#pragma once

// Reading back what NeuroDx's DICOM writers wrote, with DCMTK directly (not through NeuroDx's
// readers, which are under test elsewhere). Header-only for the test executables that link DCMTK.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <string>
#include <vector>

namespace neurodx::test {

inline std::vector<double> numbers(DcmItem& item, const DcmTagKey& tag)
{
    OFString text;
    std::vector<double> values;
    if (item.findAndGetOFStringArray(tag, text).bad())
        return values;
    std::string s = text.c_str();
    for (std::size_t start = 0;;) {
        const std::size_t end = s.find('\\', start);
        values.push_back(std::stod(s.substr(start, end - start)));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return values;
}

inline std::string text(DcmItem& item, const DcmTagKey& tag)
{
    OFString value;
    item.findAndGetOFStringArray(tag, value);
    return value.c_str();
}

inline DcmItem* itemOf(DcmItem& parent, const DcmTagKey& sequence, int index = 0)
{
    DcmItem* item = nullptr;
    parent.findAndGetSequenceItem(sequence, item, index);
    return item;
}

// Modality values of a (decompressed) file's pixels.
inline std::vector<double> pixelValues(DcmDataset& ds, double slope, double intercept)
{
    ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
    const Uint16* words = nullptr;
    unsigned long count = 0;
    ds.findAndGetUint16Array(DCM_PixelData, words, &count);
    Uint16 representation = 0;
    ds.findAndGetUint16(DCM_PixelRepresentation, representation);
    std::vector<double> values;
    for (unsigned long n = 0; n < count; ++n)
        values.push_back((representation ? double(static_cast<Sint16>(words[n])) : double(words[n])) * slope + intercept);
    return values;
}

} // namespace neurodx::test
