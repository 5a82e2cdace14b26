// `cv` and `audit`: model selection that shows honest numbers.
#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"
#include "DistributedOptions.h"
#include "InterruptHandler.h"
#include "ProgressPrinter.h"
#include "TextTable.h"
#include "TrainingOptions.h"

#include "tuning/ModelSelection.h"

#include <cstdio>
#include <iostream>

namespace neurodx::cli {

namespace {

TrainingJobConfig jobFrom(const CliArguments& args, const std::filesystem::path& output)
{
    TrainingJobConfig job;
    job.dataset = args.positional()[0];
    job.runFolder = output;
    job.training = trainingConfigFrom(args);
    job.scan = scanOptionsFrom(args);
    job.bootstrapResamples = 200;
    return job;
}

CommandSpec modelSelectionCommand(std::string name, std::string summary, int (*run)(const CliArguments&))
{
    CommandSpec c;
    c.name = std::move(name);
    c.summary = std::move(summary);
    c.positionals = {{"DIR", "the dataset folder"}};
    c.options = {textOption("output", "DIR", "Where the run folders go", "a new folder in the runs folder")};
    const std::vector<OptionSpec> scan = scanOptions();
    c.options.insert(c.options.end(), scan.begin(), scan.end());
    c.trainingOptions = trainingOptionSpecs();
    c.computes = true;
    c.run = run;
    return c;
}

int runCrossValidate(const CliArguments& args)
{
    // In a torchrun job the folds are shared out over the ranks; rank 0 reports.
    TrainingControl control; // before the membership: its heartbeat may stop this control until the end
    const JobMembership membership(args, "cv", &control);
    TrainingJobConfig job = jobFrom(args, membership.output());
    job.group = membership.group();
    const int folds = static_cast<int>(args.integer("folds"));
    ProgressPrinter printer(ProgressPrinter::styleFor(args.flag("quiet") || args.flag("json") || !membership.isLeader()));
    const InterruptHandler interrupt(control, membership.group() != nullptr);
    const CrossValidationResult result = runCrossValidation(job, folds, control, {[&](const std::string& s) { printer.stage(s); }, [&](const TrainingEvent& e) { printer.event(e); }, {}});
    if (!membership.isLeader())
        return result.cancelled ? 1 : 0;
    if (args.flag("json")) {
        std::cout << jsonText(result.toJson(), 2) << "\n";
        return result.cancelled ? 1 : 0;
    }
    TextTable table({"fold", "accuracy", "balanced acc.", "macro F1", "macro AUC", "subject acc.", "test slices", "shared subjects"});
    for (const FoldSummary& f : result.folds) {
        table.addRow({std::to_string(f.fold + 1), fixedPoint(f.accuracy), fixedPoint(f.balancedAccuracy), fixedPoint(f.macroF1), f.macroAuc ? fixedPoint(*f.macroAuc) : "n/a",
                      fixedPoint(f.subjectAccuracy), std::to_string(f.testSlices), std::to_string(f.sharedSubjects)});
    }
    table.addSeparator();
    table.addRow({"mean +- sd", fixedPoint(result.accuracy.mean) + " +- " + fixedPoint(result.accuracy.std),
                  fixedPoint(result.balancedAccuracy.mean) + " +- " + fixedPoint(result.balancedAccuracy.std),
                  fixedPoint(result.macroF1.mean) + " +- " + fixedPoint(result.macroF1.std), fixedPoint(result.macroAuc.mean) + " +- " + fixedPoint(result.macroAuc.std), "", "", ""});
    std::cout << "Stratified group " << folds << "-fold cross-validation over subjects (run folders in " << job.runFolder.string() << ")\n\n"
              << table.render();
    return result.cancelled ? 1 : 0;
}

int runAudit(const CliArguments& args)
{
    const OutputFolder output(args, "audit");
    const TrainingJobConfig job = jobFrom(args, output.path());
    ProgressPrinter printer(ProgressPrinter::styleFor(args.flag("quiet") || args.flag("json")));
    TrainingControl control;
    const InterruptHandler interrupt(control);
    const LeakageAuditResult result = runLeakageAudit(job, control, {[&](const std::string& s) { printer.stage(s); }, [&](const TrainingEvent& e) { printer.event(e); }, {}});
    if (args.flag("json")) {
        std::cout << jsonText(result.toJson(), 2) << "\n";
        return result.cancelled ? 1 : 0;
    }
    TextTable table({"training and test split", "test accuracy", "chance", "subjects in train and test"});
    for (const auto& arm : result.arms)
        table.addRow({arm.name, fixedPoint(arm.accuracy), fixedPoint(arm.chance), std::to_string(arm.sharedSubjects)});
    std::cout << "Leakage audit (same model, same budget; run folders in " << job.runFolder.string() << ")\n\n" << table.render() << "\n";
    if (result.cancelled)
        std::cout << "The audit was cancelled before all three trainings finished.\n";
    else if (result.leakage)
        std::cout << "LEAKAGE: " << (result.sliceSplitInflates ? "the slice split beats the subject split by more than " + fixedPoint(result.margin) + ". " : std::string())
                  << (result.recognisesPeople ? "With random labels per subject the model still beats chance by more than " + fixedPoint(result.margin) + ": it recognises people. " : std::string())
                  << "\n";
    else
        std::cout << "No leakage effect beyond " << fixedPoint(result.margin) << " was measured.\n";
    std::cout << "\n" << result.explanation << "\n";
    return result.cancelled ? 1 : 0;
}

} // namespace

CommandSpec crossValidateCommand()
{
    CommandSpec c = modelSelectionCommand("cv", "Stratified group k-fold cross-validation over subjects: mean and spread of the test metrics.",
                                          runCrossValidate);
    c.options.insert(c.options.begin(), wholeOption("folds", "Number of folds (k)", 5, 3, 100));
    const std::vector<OptionSpec> distributed = distributedOptions();
    c.options.insert(c.options.end(), distributed.begin(), distributed.end());
    return c;
}

CommandSpec auditCommand()
{
    return modelSelectionCommand("audit", "Leakage audit: subject split vs slice split vs random labels per subject, same model and budget.",
                                 runAudit);
}

} // namespace neurodx::cli
