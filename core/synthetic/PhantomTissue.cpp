#include "PhantomTissue.h"

#include <algorithm>
#include <cmath>

namespace neurodx::phantom {

namespace {

constexpr double kPi = 3.14159265358979323846;

// 1 at the centre of a window, falling to 0 at +-1 (a smooth bump for "visible at these levels").
double bump(double x) { return std::max(0.0, 1.0 - x * x); }

bool insideEllipse(double u, double v, double cx, double cy, double rx, double ry, double tilt)
{
    if (rx <= 0 || ry <= 0)
        return false;
    const double dx = u - cx, dy = v - cy;
    const double c = std::cos(tilt), s = std::sin(tilt);
    const double a = (c * dx + s * dy) / rx, b = (-s * dx + c * dy) / ry;
    return a * a + b * b <= 1.0;
}

double wrapAngle(double a)
{
    while (a > kPi)
        a -= 2 * kPi;
    while (a < -kPi)
        a += 2 * kPi;
    return a;
}

} // namespace

Tissue tissueLevels(const PhantomSubject& s)
{
    const double grey = 0.42 * s.gain;
    return Tissue{0.08 * s.gain, grey, grey + s.greyWhiteContrast * s.gain, 0.05 * s.gain, 0.68 * s.gain};
}

double crossSection(double level)
{
    return 0.6 + 0.4 * std::sqrt(std::max(0.0, 1.0 - std::pow((level - 0.45) / 0.65, 2)));
}

double tissueAt(const PhantomSubject& s, const Tissue& t, double u, double v, double level)
{
    const double r = std::sqrt(u * u + v * v);
    if (r > 1.0)
        return 0.0;
    if (r > 0.95)
        return t.scalp;
    const double skullInner = 0.95 - s.skullThickness;
    if (r > skullInner)
        return t.skull;

    const double theta = std::atan2(v, u);
    const double a = std::max(0.0, s.atrophy);
    // Cortical surface: gyral undulation, pulled inwards by atrophy (wider subarachnoid space).
    const double rc = (skullInner - 0.015) * (1.0 - 0.07 * a + s.gyralAmplitude * std::sin(s.gyralFrequency * theta + s.gyralPhase));
    if (r > rc)
        return t.csf;
    const double thickness = 0.085 * (1.0 - 0.3 * a) * (1.0 + 0.35 * std::sin(2.1 * s.gyralFrequency * theta + 1.7 * s.gyralPhase));
    const double rw = rc - thickness;

    // Sulci: CSF clefts from the surface inwards, lined with grey matter; atrophy widens them.
    const double sulcusWidth = 0.010 + 0.028 * a;
    for (std::size_t i = 0; i < s.sulcusAngles.size(); ++i) {
        const double arc = std::abs(wrapAngle(theta - s.sulcusAngles[i])) * r;
        const double bottom = rc - s.sulcusDepths[i] * (1.0 + 0.3 * a);
        if (arc < sulcusWidth && r > bottom)
            return t.csf;
        if (arc < sulcusWidth + 0.6 * thickness && r > bottom - 0.02)
            return t.grey;
    }

    // Lateral ventricles (mid levels), enlarging with atrophy.
    const double ventricleVisibility = bump((level - 0.58) / 0.22);
    const double vs = s.ventricleScale * (1.0 + 0.65 * a) * ventricleVisibility;
    if (vs > 0.05) {
        if (insideEllipse(u, v, -0.11, -0.06, 0.065 * vs, 0.27 * vs, 0.22) || insideEllipse(u, v, 0.11, -0.06, 0.065 * vs, 0.27 * vs, -0.22))
            return t.csf;
    }
    // Deep grey nuclei (thalamus, basal ganglia).
    const double deepVisibility = bump((level - 0.52) / 0.2);
    if (deepVisibility > 0.1 &&
        (insideEllipse(u, v, -0.17, 0.14, 0.09 * deepVisibility, 0.12 * deepVisibility, 0.3) ||
         insideEllipse(u, v, 0.17, 0.14, 0.09 * deepVisibility, 0.12 * deepVisibility, -0.3)))
        return t.grey * 1.05;
    // Medial temporal lobes (low levels): hippocampi shrink and temporal horns widen with atrophy.
    const double temporalVisibility = bump((level - 0.32) / 0.17);
    if (temporalVisibility > 0.05) {
        for (const double side : {-1.0, 1.0}) {
            if (insideEllipse(u, v, side * 0.43, 0.16, (0.035 + 0.06 * a) * temporalVisibility, 0.10 * temporalVisibility, side * 0.4))
                return t.csf;
            if (insideEllipse(u, v, side * 0.35, 0.16, 0.065 * (1.0 - 0.45 * a) * temporalVisibility, 0.13 * temporalVisibility, side * 0.4))
                return t.grey;
        }
    }
    return r > rw ? t.grey : t.white;
}

} // namespace neurodx::phantom
