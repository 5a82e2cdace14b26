// neurodx-cli: NeuroDx on the command line. Research use only, not a medical device.
#include "CommandHelp.h"
#include "Commands.h"

#include "common/JsonFile.h"
#include "common/BlasLibrary.h"
#include "common/ComputeSetup.h"
#include "common/LibraryVersions.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "common/Version.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

int exitCodeFor(neurodx::ErrorKind kind)
{
    using neurodx::ErrorKind;
    switch (kind) {
    case ErrorKind::InvalidArgument:
    case ErrorKind::UnreadableFile:
    case ErrorKind::UnsupportedFormat:
    case ErrorKind::CorruptFile:
        return 2;
    case ErrorKind::InvalidDataset:
    case ErrorKind::Io:
    case ErrorKind::Cancelled:
    case ErrorKind::Communication:
        return 1;
    }
    return 1;
}

bool wantsJson(const std::vector<std::string>& args)
{
    for (const std::string& a : args) {
        if (a == "--json")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace neurodx::cli;
    neurodx::configureMemoryAllocator();
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty()) {
        std::cerr << usageText();
        return 2;
    }
    const std::string command = all.front();
    if (command == "--help" || command == "-h" || command == "help") {
        const std::string topic = all.size() > 1 ? commandUsage(all[1]) : std::string();
        std::cout << (topic.empty() ? usageText() : topic); // "help train" as "train --help"
        return 0;
    }
    const neurodx::BlasLibrary blas = neurodx::loadedBlas();
    if (command == "--version" || command == "-v") {
        const neurodx::LibraryVersions v = neurodx::libraryVersions();
        std::cout << "neurodx-cli " << neurodx::kVersion << "\n"
                  << "LibTorch " << v.libtorch << ", OpenCV " << v.opencv << ", DCMTK " << v.dcmtk << "\n"
                  << "BLAS: " << blas.name << (blas.path.empty() ? "" : " (" + blas.path + ")") << "\n"
                  << "memory: " << neurodx::memoryAllocatorDescription() << "\n"
                  << neurodx::kResearchNotice << "\n";
        if (const std::string warning = neurodx::blasWarning(blas); !warning.empty())
            std::cerr << "neurodx-cli: warning: " << warning << "\n";
        return 0;
    }
    const std::vector<std::string> args(all.begin() + 1, all.end());
    const CommandSpec* spec = findCommand(command);
    if (!spec) {
        std::cerr << "neurodx-cli: unknown command '" << command << "'\n\n" << usageText();
        return 2;
    }
    for (const std::string& a : args) {
        if (a == "--help" || a == "-h") {
            std::cout << commandUsage(command);
            return 0;
        }
    }

    if (const std::string warning = neurodx::blasWarning(blas); spec->computes && !warning.empty())
        std::cerr << "neurodx-cli: warning: " << warning << "\n";

    const auto fail = [&](const std::string& rawMessage, const char* kind, int code) {
        const std::string message = neurodx::validUtf8(rawMessage); // file names may hold any bytes
        std::cerr << "neurodx-cli " << command << ": " << message << "\n";
        if (wantsJson(args))
            std::cout << neurodx::jsonText(nlohmann::json{{"error", message}, {"kind", kind}}, 2) << "\n";
        return code;
    };
    try {
        return spec->run(parseCommandLine(*spec, args));
    } catch (const UsageError& e) {
        std::cerr << "neurodx-cli " << command << ": " << neurodx::validUtf8(e.message) << "\n(see neurodx-cli " << command << " --help)\n";
        return 2;
    } catch (const neurodx::NeuroDxError& e) {
        return fail(e.what(), neurodx::errorKindName(e.kind()), exitCodeFor(e.kind()));
    } catch (const std::exception& e) {
        return fail(e.what(), "internal error", 1);
    }
}
