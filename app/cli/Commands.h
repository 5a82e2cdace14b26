#pragma once

#include <string>
#include <vector>

namespace neurodx::cli {

// Each command takes the arguments after its name and returns the process exit code:
// 0 success, 1 failure, 2 bad usage or unreadable input. Errors are thrown (NeuroDxError,
// UsageError) and turned into messages and exit codes by main().
int runScan(const std::vector<std::string>& args);
int runSplit(const std::vector<std::string>& args);
int runInfo(const std::vector<std::string>& args);
int runSynth(const std::vector<std::string>& args);
int runImport(const std::vector<std::string>& args);
int runImportModel(const std::vector<std::string>& args);
int runDemo(const std::vector<std::string>& args);
int runTrain(const std::vector<std::string>& args);
int runEvaluate(const std::vector<std::string>& args);
int runPredict(const std::vector<std::string>& args);
int runTune(const std::vector<std::string>& args);
int runCrossValidate(const std::vector<std::string>& args);
int runAudit(const std::vector<std::string>& args);

} // namespace neurodx::cli
