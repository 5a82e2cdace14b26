// render_icon: the application icon in the formats installers want, rendered from the one SVG at
// build time (resources/icons/neurodx.svg stays the only drawn source).
//   render_icon SVG png SIZE OUT.png        one square PNG (the hicolor theme's sizes on Linux)
//   render_icon SVG ico OUT.ico             a Windows icon holding 16..256 px PNG images
//   render_icon SVG iconset OUT.iconset     the folder macOS's iconutil turns into an .icns
// Qt's SVG renderer so every OS renders the same way with the toolkit the build already has.
#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QtEndian>

#include <cstdio>
#include <vector>

namespace {

int failure(const QString& message)
{
    std::fprintf(stderr, "render_icon: %s\n", qPrintable(message));
    return 1;
}

QByteArray renderedPng(QSvgRenderer& svg, int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG"); // Qt writes no time stamp into PNGs: the bytes depend on the SVG only
    return bytes;
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// ICO with PNG-compressed entries (accepted since Windows Vista): a 6-byte header, one 16-byte
// directory entry per image, then the PNGs. A width or height of 256 is stored as 0.
QByteArray icoFile(QSvgRenderer& svg)
{
    const std::vector<int> sizes{16, 24, 32, 48, 64, 128, 256};
    std::vector<QByteArray> images;
    for (int size : sizes)
        images.push_back(renderedPng(svg, size));
    QByteArray out;
    auto put16 = [&out](quint16 v) { v = qToLittleEndian(v); out.append(reinterpret_cast<const char*>(&v), 2); };
    auto put32 = [&out](quint32 v) { v = qToLittleEndian(v); out.append(reinterpret_cast<const char*>(&v), 4); };
    put16(0);
    put16(1); // 1 = icon
    put16(static_cast<quint16>(sizes.size()));
    quint32 offset = static_cast<quint32>(6 + 16 * sizes.size());
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        out.append(static_cast<char>(sizes[i] >= 256 ? 0 : sizes[i]));
        out.append(static_cast<char>(sizes[i] >= 256 ? 0 : sizes[i]));
        out.append('\0'); // no palette
        out.append('\0');
        put16(1);  // colour planes
        put16(32); // bits per pixel
        put32(static_cast<quint32>(images[i].size()));
        put32(offset);
        offset += static_cast<quint32>(images[i].size());
    }
    for (const QByteArray& image : images)
        out.append(image);
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4)
        return failure(QStringLiteral("usage: render_icon SVG png SIZE OUT.png | SVG ico OUT.ico | SVG iconset OUT.iconset"));
    QSvgRenderer svg(args[1]);
    if (!svg.isValid())
        return failure(QStringLiteral("%1 is not a readable SVG file").arg(args[1]));
    const QString kind = args[2];
    if (kind == QLatin1String("png") && args.size() == 5) {
        bool ok = false;
        const int size = args[3].toInt(&ok);
        if (!ok || size < 1 || size > 4096)
            return failure(QStringLiteral("size must be a whole number of pixels from 1 to 4096, not '%1'").arg(args[3]));
        return writeFile(args[4], renderedPng(svg, size)) ? 0 : failure(QStringLiteral("cannot write %1").arg(args[4]));
    }
    if (kind == QLatin1String("ico"))
        return writeFile(args[3], icoFile(svg)) ? 0 : failure(QStringLiteral("cannot write %1").arg(args[3]));
    if (kind == QLatin1String("iconset")) {
        // iconutil's names: icon_<size>x<size>.png and the @2x (double-density) variants.
        const QDir folder(args[3]);
        if (!folder.mkpath(QStringLiteral(".")))
            return failure(QStringLiteral("cannot create %1").arg(args[3]));
        for (int size : {16, 32, 128, 256, 512}) {
            const QString name = QStringLiteral("icon_%1x%1").arg(size);
            if (!writeFile(folder.filePath(name + QStringLiteral(".png")), renderedPng(svg, size)) ||
                !writeFile(folder.filePath(name + QStringLiteral("@2x.png")), renderedPng(svg, 2 * size)))
                return failure(QStringLiteral("cannot write into %1").arg(args[3]));
        }
        return 0;
    }
    return failure(QStringLiteral("unknown output '%1': png SIZE OUT, ico OUT or iconset OUT").arg(kind));
}
