#include "Volume.h"

#include <algorithm>
#include <cmath>

namespace neurodx {

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

Vec3 cross(const Vec3& a, const Vec3& b)
{
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

std::size_t VolumeGeometry::voxelCount() const
{
    return static_cast<std::size_t>(std::max(0, size[0])) * static_cast<std::size_t>(std::max(0, size[1])) *
           static_cast<std::size_t>(std::max(0, size[2]));
}

Vec3 VolumeGeometry::toPatient(double i, double j, double k) const
{
    const double steps[3] = {i * spacing[0], j * spacing[1], k * spacing[2]};
    Vec3 p = origin;
    for (int a = 0; a < 3; ++a)
        for (int c = 0; c < 3; ++c)
            p[static_cast<std::size_t>(c)] += steps[a] * direction[static_cast<std::size_t>(a)][static_cast<std::size_t>(c)];
    return p;
}

Vec3 VolumeGeometry::toIndex(const Vec3& lps) const
{
    // Solve M * (i, j, k) = lps - origin, M's columns being direction[a] * spacing[a] (Cramer's rule:
    // the axes need not be orthogonal, NIfTI affines may shear).
    Vec3 columns[3];
    for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t c = 0; c < 3; ++c)
            columns[a][c] = direction[a][c] * spacing[a];
    const Vec3 d{lps[0] - origin[0], lps[1] - origin[1], lps[2] - origin[2]};
    const double det = dot(columns[0], cross(columns[1], columns[2]));
    if (det == 0.0)
        return {0, 0, 0};
    return {dot(d, cross(columns[1], columns[2])) / det, dot(columns[0], cross(d, columns[2])) / det,
            dot(columns[0], cross(columns[1], d)) / det};
}

double VolumeGeometry::obliquityDegrees() const
{
    double worst = 0.0;
    for (const Vec3& axis : direction) {
        const double length = norm(axis);
        if (length == 0.0)
            return 90.0;
        const double largest = std::max({std::abs(axis[0]), std::abs(axis[1]), std::abs(axis[2])}) / length;
        worst = std::max(worst, std::acos(std::clamp(largest, -1.0, 1.0)) * 180.0 / 3.14159265358979323846);
    }
    return worst;
}

std::string VolumeGeometry::axisCodes() const
{
    static const char positive[] = {'L', 'P', 'S'};
    static const char negative[] = {'R', 'A', 'I'};
    std::string codes;
    for (const Vec3& axis : direction) {
        std::size_t best = 0;
        for (std::size_t c = 1; c < 3; ++c)
            if (std::abs(axis[c]) > std::abs(axis[best]))
                best = c;
        codes += axis[best] >= 0 ? positive[best] : negative[best];
    }
    return codes;
}

} // namespace neurodx
