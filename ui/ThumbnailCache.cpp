#include "ThumbnailCache.h"

#include "common/NeuroDxError.h"
#include "imaging/Thumbnail.h"

#include <QDir>
#include <QRunnable>

namespace neurodx::ui {

ThumbnailCache::ThumbnailCache(int side, QObject* parent) : QObject(parent), m_side(side)
{
    m_pool.setMaxThreadCount(2); // leave the other cores to a training that may be running
    m_images.setMaxCost(64 * 1024 * 1024);
}

ThumbnailCache::~ThumbnailCache()
{
    m_pool.clear();
    m_pool.waitForDone();
}

QImage ThumbnailCache::thumbnail(const QString& file)
{
    if (const QImage* image = m_images.object(file))
        return *image;
    if (m_pending.contains(file))
        return {};
    m_pending.insert(file);
    ++m_decodesQueued;
    const int side = m_side;
    // `this` outlives every runnable: the destructor waits for the pool.
    m_pool.start(QRunnable::create([this, file, side] {
        QImage image;
        QString problem;
        try {
            const GreyImage grey = thumbnailOf(QDir::toNativeSeparators(file).toStdString(), side);
            image = QImage(grey.pixels.data(), grey.width, grey.height, grey.width, QImage::Format_Grayscale8).copy();
        } catch (const std::exception& e) {
            problem = QString::fromStdString(e.what());
            image = QImage(side, side, QImage::Format_Grayscale8);
            image.fill(90);
        }
        QMetaObject::invokeMethod(this, [this, file, image, problem] { store(file, image, problem); }, Qt::QueuedConnection);
    }));
    return {};
}

void ThumbnailCache::store(const QString& file, const QImage& image, const QString& problem)
{
    m_pending.remove(file);
    m_images.insert(file, new QImage(image), static_cast<int>(image.sizeInBytes()) + 1);
    if (!problem.isEmpty())
        m_problems.insert(file, problem);
    emit ready(file);
}

void ThumbnailCache::cancelPending()
{
    m_pool.clear();
    m_pending.clear();
}

} // namespace neurodx::ui
