#include "DicomText.h"

#include "common/TextUtil.h"

namespace neurodx {

void convertDicomTextToUtf8(DcmItem& dataset)
{
    OFString charset;
    if (dataset.findAndGetOFStringArray(DCM_SpecificCharacterSet, charset).bad() || charset.empty() || charset == "ISO_IR 192")
        return; // ASCII or UTF-8 already: nothing to convert
    // A failure (an unknown character set, bytes the set does not have) leaves the values as they
    // are; dicomText then replaces what is not UTF-8.
    dataset.convertToUTF8();
}

std::string dicomText(DcmItem& item, const DcmTagKey& tag, unsigned long position)
{
    OFString value;
    if (item.findAndGetOFString(tag, value, position).bad())
        return {};
    return trim(validUtf8(value.c_str()));
}

} // namespace neurodx
