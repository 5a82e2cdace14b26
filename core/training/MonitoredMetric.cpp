#include "MonitoredMetric.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <array>

namespace neurodx {

namespace {

constexpr std::array<MonitoredMetric, 4> kMetrics{MonitoredMetric::ValLoss, MonitoredMetric::ValAccuracy, MonitoredMetric::Loss,
                                                  MonitoredMetric::Accuracy};

} // namespace

const char* metricName(MonitoredMetric metric)
{
    switch (metric) {
    case MonitoredMetric::ValLoss:
        return "val_loss";
    case MonitoredMetric::ValAccuracy:
        return "val_acc";
    case MonitoredMetric::Loss:
        return "loss";
    case MonitoredMetric::Accuracy:
        return "acc";
    }
    return "val_loss";
}

MonitoredMetric metricFromName(const std::string& name)
{
    for (MonitoredMetric metric : kMetrics)
        if (name == metricName(metric))
            return metric;
    throw NeuroDxError(ErrorKind::InvalidArgument, "unknown metric '" + name + "' (one of " + join(metricNames(), ", ") + ")");
}

std::vector<std::string> metricNames()
{
    std::vector<std::string> names;
    for (MonitoredMetric metric : kMetrics)
        names.emplace_back(metricName(metric));
    return names;
}

bool isLoss(MonitoredMetric metric)
{
    return metric == MonitoredMetric::ValLoss || metric == MonitoredMetric::Loss;
}

bool isValidationMetric(MonitoredMetric metric)
{
    return metric == MonitoredMetric::ValLoss || metric == MonitoredMetric::ValAccuracy;
}

} // namespace neurodx
