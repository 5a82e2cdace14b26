#pragma once

#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

namespace neurodx::ui {

// Decodes slice thumbnails on a small thread pool of its own and keeps the recent ones (up to
// ~64 MiB of images). Asking for a thumbnail that is not ready queues it once and returns a null
// image; ready() follows on the GUI thread. Unreadable files give a grey placeholder and their
// reason, so a grid of 5,000 files never waits and never fails as a whole.
class ThumbnailCache final : public QObject {
    Q_OBJECT
public:
    explicit ThumbnailCache(int side, QObject* parent = nullptr);
    ~ThumbnailCache() override;

    int side() const { return m_side; }
    // The thumbnail if decoded, else a null QImage after queuing the file.
    QImage thumbnail(const QString& file);
    QString problem(const QString& file) const { return m_problems.value(file); }
    // Forgets queued requests that have not started (after a new scan, or a scroll far away).
    void cancelPending();
    // How many files were queued for decoding since construction: what scrolling has cost.
    int decodesQueued() const { return m_decodesQueued; }
    // Waits for the decodes that are running (tests, shutdown).
    void waitForDone() { m_pool.waitForDone(); }

signals:
    void ready(const QString& file);

private:
    void store(const QString& file, const QImage& image, const QString& problem);

    int m_side;
    QThreadPool m_pool;
    QCache<QString, QImage> m_images;
    QSet<QString> m_pending;
    QHash<QString, QString> m_problems;
    int m_decodesQueued = 0;
};

} // namespace neurodx::ui
