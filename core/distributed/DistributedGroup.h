#pragma once

#include "common/NeuroDxError.h"
#include "distributed/DistributedSetup.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

// Only declared: the command line includes this header without compiling LibTorch's.
namespace at {
class Tensor;
} // namespace at

namespace neurodx {

class TrainingControl;

// This process's membership of a data-parallel job: a c10d TCPStore for the rendezvous and a Gloo
// process group for the collectives (PyTorch's own, so NeuroDx ranks are ordinary members of a
// torchrun job). Every collective must be called by every rank in the same order. Each one waits at
// most the setup's timeout; a rank that died, stopped or timed out surfaces as a NeuroDxError on
// the others naming this rank, the operation and the cause, never as a hang.
class DistributedGroup {
public:
    // Joins the job: rank 0 hosts the store (unless torchrun's agent does) and every rank waits
    // until all have joined. Throws NeuroDxError when the others do not come within the timeout or
    // the address cannot be reached.
    explicit DistributedGroup(const DistributedSetup& setup);
    ~DistributedGroup();
    DistributedGroup(const DistributedGroup&) = delete;
    DistributedGroup& operator=(const DistributedGroup&) = delete;

    const DistributedSetup& setup() const { return m_setup; }
    int rank() const { return m_setup.rank; }
    int worldSize() const { return m_setup.worldSize; }
    bool isLeader() const { return m_setup.rank == 0; }

    // In place: every rank ends with `root`'s values. One call per tensor list, flattened into one
    // message; the tensors keep their shapes.
    void broadcast(const std::vector<at::Tensor>& tensors, int root, const char* what);
    // In place: every rank ends with the element-wise sum over ranks. Float32/float64, contiguous.
    void allreduceSum(at::Tensor& tensor, const char* what);
    // Rank `root`'s text on every rank.
    std::string broadcastText(const std::string& text, int root, const char* what);
    // Every rank's text, in rank order, on every rank.
    std::vector<std::string> allGatherText(const std::string& text, const char* what);
    void barrier(const char* what);

    // Runs `produce` on rank 0 only and gives its text to every rank. When it throws, rank 0
    // rethrows its own error and the others throw one saying that rank 0 failed at `what`, so no
    // rank waits for a rank 0 that has given up.
    std::string runOnLeader(const char* what, const std::function<std::string()>& produce);
    // Every rank reports its own problem (empty: none); when any rank has one, every rank throws an
    // error naming the ranks and their problems (of `localKind` on a rank with its own problem).
    void requireAll(const char* what, const std::string& localProblem, ErrorKind localKind = ErrorKind::InvalidDataset);

    // Waits until every rank has called waitForAll with the same `point`, however long they take
    // (a rank's folds or trials may take hours, far beyond the collectives' timeout). A rank that
    // stops answering meanwhile (every rank's own thread sends a heartbeat through the store a few
    // times per timeout) ends the wait after the timeout with an error naming it.
    void waitForAll(const std::string& point);
    // From now on a stop asked on any rank (Ctrl-C) stops `control` on every rank, within a few
    // seconds: for jobs whose ranks exchange nothing while they work (cv folds, tune trials).
    // `control` must outlive this group.
    void shareStop(TrainingControl& control);

private:
    [[noreturn]] void fail(const char* what, const std::exception& cause) const;
    struct Members;
    DistributedSetup m_setup;
    std::unique_ptr<Members> m_members;
    std::uint64_t m_waits = 0; // waitForAll calls so far: the same on every rank
};

} // namespace neurodx
