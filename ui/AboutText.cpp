#include "AboutText.h"

#include "common/Version.h"
#include "common/BlasLibrary.h"
#include "common/ComputeSetup.h"
#include "common/LibraryVersions.h"

#include <QObject>

namespace neurodx::ui {

QString aboutText()
{
    const LibraryVersions v = libraryVersions();
    return QObject::tr("<h3>NeuroDx %1</h3>"
                       "<p>Classifies 2D brain MRI slices as cognitively normal (CN), mild cognitive impairment (MCI) "
                       "or Alzheimer's disease (AD).</p>"
                       "<p><b>%2</b></p>"
                       "<p>Qt %3, LibTorch %4, OpenCV %5, DCMTK %6<br>BLAS: %7<br>Memory: %8</p>"
                       "<p>Licensed under the GNU General Public License, version 3 or later. "
                       "NeuroDx never sends data anywhere.</p>")
        .arg(QString::fromLatin1(kVersion), QString::fromLatin1(kResearchNotice), QString::fromLatin1(qVersion()),
             QString::fromStdString(v.libtorch), QString::fromStdString(v.opencv), QString::fromStdString(v.dcmtk),
             QString::fromStdString(loadedBlas().name).toHtmlEscaped(), QString::fromStdString(memoryAllocatorDescription()).toHtmlEscaped());
}

} // namespace neurodx::ui
