#pragma once

// neurodx-cli (or any program) run as a user runs it, for the tests of tests/cli: the exit code (-1
// for a crash or a hang) and both output streams.
#include <nlohmann/json.hpp>

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace neurodx::test {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    nlohmann::json json() const { return nlohmann::json::parse(out.toStdString()); }
};

// The neurodx-cli of this build (CTest sets NEURODX_BIN_DIR).
inline QString cliProgram() { return QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR") + "/neurodx-cli"; }

inline CliResult runProgram(const QString& program, const QStringList& args,
                            const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, args);
    if (!process.waitForFinished(300000)) // a hang guard, not a speed target
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
}

inline CliResult runCli(const QStringList& args, const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    return runProgram(cliProgram(), args, environment);
}

} // namespace neurodx::test
