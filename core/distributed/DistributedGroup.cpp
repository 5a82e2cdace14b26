#include "DistributedGroup.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "training/TrainingControl.h"

#ifndef NEURODX_WITHOUT_C10D
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace neurodx {

void DistributedGroup::fail(const char* what, const std::exception& cause) const
{
    throw NeuroDxError(ErrorKind::Communication, m_setup.rankText() + " lost the other ranks while " + what + " (" + conciseReason(cause.what()) +
                                                     "): another rank stopped or failed (or did not answer within " + std::to_string(m_setup.timeout.count()) +
                                                     " s); its own output says why");
}

#ifdef NEURODX_WITHOUT_C10D

// Built with NEURODX_DISTRIBUTED=OFF (a LibTorch whose c10d is not the 1.13 API this file is written
// for): joining a job is refused with the reason, before any rank waits for this one.
struct DistributedGroup::Members {
};

DistributedGroup::DistributedGroup(const DistributedSetup& setup) : m_setup(setup)
{
    throw NeuroDxError(ErrorKind::InvalidArgument, setup.rankText() +
                                                       ": this build of NeuroDx has no distributed training (configured with "
                                                       "NEURODX_DISTRIBUTED=OFF); run the command without torchrun, on one machine");
}

DistributedGroup::~DistributedGroup() = default;

// Never reached: no group can be constructed in this build.
void DistributedGroup::broadcast(const std::vector<at::Tensor>&, int, const char*) {}
void DistributedGroup::allreduceSum(at::Tensor&, const char*) {}
std::string DistributedGroup::broadcastText(const std::string& text, int, const char*) { return text; }
std::vector<std::string> DistributedGroup::allGatherText(const std::string& text, const char*) { return {text}; }
void DistributedGroup::barrier(const char*) {}
void DistributedGroup::waitForAll(const std::string&) {}
void DistributedGroup::shareStop(TrainingControl&) {}

#else

// The heartbeat: a thread with its own store connection counts "heartbeat/<rank>" up a few times
// per timeout, and carries a stop between the ranks ("stop", set by the rank that was asked).
class Heartbeat {
public:
    Heartbeat(c10::intrusive_ptr<c10d::Store> store, int rank, std::chrono::milliseconds interval)
        : m_store(std::move(store)), m_rank(rank), m_interval(interval), m_thread([this] { run(); })
    {
    }
    ~Heartbeat()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }
    void shareStop(TrainingControl* control)
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_control = control;
    }

private:
    void run()
    {
        bool published = false;
        std::unique_lock<std::mutex> lock(m_mutex);
        while (!m_quit) {
            try {
                m_store->add("heartbeat/" + std::to_string(m_rank), 1);
                if (m_control && m_control->isCancelled() && !published) {
                    m_store->set("stop", std::vector<std::uint8_t>{1});
                    published = true;
                } else if (m_control && !m_control->isCancelled() && m_store->check({"stop"})) {
                    m_control->cancel(); // another rank was stopped
                }
            } catch (const std::exception&) {
                // The store is gone (rank 0 ended): the main thread's next exchange says so.
            }
            m_changed.wait_for(lock, m_interval, [this] { return m_quit; });
        }
    }

    c10::intrusive_ptr<c10d::Store> m_store;
    int m_rank;
    std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_quit = false;
    TrainingControl* m_control = nullptr;
    std::thread m_thread; // last: starts when the rest is ready
};

struct DistributedGroup::Members {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    c10::intrusive_ptr<c10d::Store> ours; // NeuroDx's own keys, apart from Gloo's
    std::unique_ptr<Heartbeat> heartbeat;
};

namespace {

bool isLoopback(const std::string& address)
{
    return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

// Gloo binds to one interface: GLOO_SOCKET_IFNAME when set (as in PyTorch), loopback for a job on
// one machine, otherwise the address this machine's host name resolves to.
std::shared_ptr<::gloo::transport::Device> transportDevice(const DistributedSetup& setup)
{
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    if (isLoopback(setup.masterAddress))
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

void await(const c10::intrusive_ptr<c10d::Work>& work)
{
    work->wait(); // the group's timeout applies; a failure throws
}

} // namespace

DistributedGroup::DistributedGroup(const DistributedSetup& setup) : m_setup(setup), m_members(std::make_unique<Members>())
{
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(setup.timeout);
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(setup.masterPort);
        options.isServer = setup.rank == 0 && !setup.agentHostsStore;
        options.numWorkers = static_cast<std::size_t>(setup.worldSize);
        options.waitWorkers = !setup.agentHostsStore;
        // Joining waits at least a minute whatever the timeout: processes started together still
        // take a second or more each to load LibTorch (far more under a sanitizer).
        options.timeout = std::max(timeout, std::chrono::milliseconds(60000));
        options.multiTenant = true;
        auto tcpStore = c10::make_intrusive<c10d::TCPStore>(setup.masterAddress, options);
        if (setup.agentHostsStore)
            m_members->store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(setup.restartCount), tcpStore);
        else
            m_members->store = tcpStore;
        auto groupOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        groupOptions->devices.push_back(transportDevice(setup));
        groupOptions->threads = 2;
        m_members->group = c10::make_intrusive<c10d::ProcessGroupGloo>(m_members->store, setup.rank, setup.worldSize, groupOptions);
        m_members->ours = c10::make_intrusive<c10d::PrefixStore>("neurodx", m_members->store);
        // The heartbeat's own connection (a store client is one socket), connecting and waiting for
        // at most 10 s. (c10d 1.13 puts no timeout on a reply: a store host that vanishes without
        // closing its connections can hold a call; docs/ARCHITECTURE.md.)
        c10d::TCPStoreOptions client = options;
        client.isServer = false;
        client.waitWorkers = false;
        client.timeout = std::min(timeout, std::chrono::milliseconds(10000));
        c10::intrusive_ptr<c10d::Store> beatStore = c10::make_intrusive<c10d::TCPStore>(setup.masterAddress, client);
        if (setup.agentHostsStore)
            beatStore = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(setup.restartCount), beatStore);
        // A few beats per timeout, and a shared stop within two seconds.
        const auto interval = std::clamp(timeout / 6, std::chrono::milliseconds(250), std::chrono::milliseconds(2000));
        m_members->heartbeat = std::make_unique<Heartbeat>(c10::make_intrusive<c10d::PrefixStore>("neurodx", beatStore), setup.rank, interval);
    } catch (const NeuroDxError&) {
        throw;
    } catch (const std::exception& e) {
        throw NeuroDxError(ErrorKind::Communication,
                           setup.rankText() + " could not join the job at " + setup.masterAddress + ":" + std::to_string(setup.masterPort) +
                               " within " + std::to_string(std::max<long long>(setup.timeout.count(), 60)) + " s (" + conciseReason(e.what()) +
                               "): are all ranks started, and is MASTER_ADDR reachable from this machine?");
    }
}

DistributedGroup::~DistributedGroup()
{
    if (m_members)
        m_members->heartbeat.reset(); // before the store it talks to
}

void DistributedGroup::shareStop(TrainingControl& control)
{
    m_members->heartbeat->shareStop(&control);
}

void DistributedGroup::waitForAll(const std::string& point)
{
    using Clock = std::chrono::steady_clock;
    const std::string prefix = "reached/" + std::to_string(m_waits++) + "/" + point + "/";
    try {
        m_members->ours->set(prefix + std::to_string(m_setup.rank), std::vector<std::uint8_t>{1});
        struct Seen {
            std::int64_t beats = -1;
            Clock::time_point at = Clock::now();
        };
        std::vector<Seen> seen(static_cast<std::size_t>(m_setup.worldSize));
        std::chrono::milliseconds pause(1);
        for (;;) {
            bool all = true;
            for (int r = 0; r < m_setup.worldSize; ++r) {
                if (m_members->ours->check({prefix + std::to_string(r)}))
                    continue;
                all = false;
                Seen& s = seen[static_cast<std::size_t>(r)];
                const std::int64_t beats = m_members->ours->add("heartbeat/" + std::to_string(r), 0);
                if (beats != s.beats) {
                    s = {beats, Clock::now()};
                } else if (Clock::now() - s.at > m_setup.timeout) {
                    throw NeuroDxError(ErrorKind::Communication, m_setup.rankText() + ": rank " + std::to_string(r) + " has not answered for " +
                                                                     std::to_string(m_setup.timeout.count()) + " s while the others waited for it to finish " +
                                                                     point + " (stopped, frozen or cut off); its own output says more");
                }
            }
            if (all)
                return;
            // Ranks that arrive together meet within milliseconds; a long wait polls five times a second.
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(200));
        }
    } catch (const NeuroDxError&) {
        throw;
    } catch (const std::exception& e) {
        fail(("waiting for every rank to finish " + point).c_str(), e);
    }
}

void DistributedGroup::broadcast(const std::vector<torch::Tensor>& tensors, int root, const char* what)
{
    if (tensors.empty())
        return;
    try {
        std::vector<torch::Tensor> flat;
        for (const torch::Tensor& t : tensors)
            flat.push_back(t.detach().reshape({-1}).to(torch::kFloat64));
        std::vector<torch::Tensor> message{torch::cat(flat)};
        c10d::BroadcastOptions options;
        options.rootRank = root;
        await(m_members->group->broadcast(message, options));
        torch::NoGradGuard noGrad;
        std::int64_t offset = 0;
        for (const torch::Tensor& t : tensors) {
            const std::int64_t n = t.numel();
            t.detach().copy_(message[0].narrow(0, offset, n).view(t.sizes()));
            offset += n;
        }
    } catch (const NeuroDxError&) {
        throw;
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

void DistributedGroup::allreduceSum(torch::Tensor& tensor, const char* what)
{
    try {
        std::vector<torch::Tensor> message{tensor};
        await(m_members->group->allreduce(message));
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

std::string DistributedGroup::broadcastText(const std::string& text, int root, const char* what)
{
    try {
        std::vector<torch::Tensor> size{torch::tensor({static_cast<std::int64_t>(text.size())}, torch::kInt64)};
        c10d::BroadcastOptions options;
        options.rootRank = root;
        await(m_members->group->broadcast(size, options));
        const std::int64_t length = size[0].item<std::int64_t>();
        std::vector<torch::Tensor> bytes{torch::empty({std::max<std::int64_t>(length, 1)}, torch::kUInt8)};
        if (m_setup.rank == root && length > 0)
            std::memcpy(bytes[0].data_ptr<std::uint8_t>(), text.data(), text.size());
        await(m_members->group->broadcast(bytes, options));
        return std::string(reinterpret_cast<const char*>(bytes[0].data_ptr<std::uint8_t>()), static_cast<std::size_t>(length));
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

std::vector<std::string> DistributedGroup::allGatherText(const std::string& text, const char* what)
{
    try {
        const auto world = static_cast<std::size_t>(m_setup.worldSize);
        // Lengths first, then every rank's bytes padded to the longest.
        std::vector<torch::Tensor> lengthIn{torch::tensor({static_cast<std::int64_t>(text.size())}, torch::kInt64)};
        std::vector<std::vector<torch::Tensor>> lengthsOut(1);
        for (std::size_t r = 0; r < world; ++r)
            lengthsOut[0].push_back(torch::empty({1}, torch::kInt64));
        await(m_members->group->allgather(lengthsOut, lengthIn));
        std::int64_t longest = 1;
        for (const torch::Tensor& l : lengthsOut[0])
            longest = std::max(longest, l.item<std::int64_t>());
        std::vector<torch::Tensor> bytesIn{torch::zeros({longest}, torch::kUInt8)};
        std::memcpy(bytesIn[0].data_ptr<std::uint8_t>(), text.data(), text.size());
        std::vector<std::vector<torch::Tensor>> bytesOut(1);
        for (std::size_t r = 0; r < world; ++r)
            bytesOut[0].push_back(torch::empty({longest}, torch::kUInt8));
        await(m_members->group->allgather(bytesOut, bytesIn));
        std::vector<std::string> texts;
        for (std::size_t r = 0; r < world; ++r)
            texts.emplace_back(reinterpret_cast<const char*>(bytesOut[0][r].data_ptr<std::uint8_t>()),
                               static_cast<std::size_t>(lengthsOut[0][r].item<std::int64_t>()));
        return texts;
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

void DistributedGroup::barrier(const char* what)
{
    try {
        await(m_members->group->barrier());
    } catch (const std::exception& e) {
        fail(what, e);
    }
}

#endif // NEURODX_WITHOUT_C10D

std::string DistributedGroup::runOnLeader(const char* what, const std::function<std::string()>& produce)
{
    std::exception_ptr failure;
    std::string message;
    if (isLeader()) {
        try {
            message = "ok\n" + produce();
        } catch (const std::exception& e) {
            failure = std::current_exception();
            message = std::string("error\n") + e.what();
        }
    }
    message = broadcastText(message, 0, what);
    if (failure)
        std::rethrow_exception(failure);
    const std::size_t newline = message.find('\n');
    const std::string status = message.substr(0, newline);
    const std::string text = newline == std::string::npos ? std::string() : message.substr(newline + 1);
    if (status != "ok")
        throw NeuroDxError(ErrorKind::Communication, m_setup.rankText() + ": stopping because rank 0 failed while " + what + ": " + text);
    return text;
}

void DistributedGroup::requireAll(const char* what, const std::string& localProblem, ErrorKind localKind)
{
    // The work before this point may take one rank far longer than the collectives' timeout (a
    // scan over a network share, decoding, folds, trials): meet first, then exchange.
    waitForAll(what);
    // "c" marks a cancellation: when every problem is one, every rank reports a stop, not an error.
    const std::string mine = localProblem.empty() ? std::string() : (localKind == ErrorKind::Cancelled ? "c" : "e") + localProblem;
    const std::vector<std::string> problems = allGatherText(mine, what);
    std::string report;
    bool onlyCancellations = true;
    for (std::size_t r = 0; r < problems.size(); ++r) {
        if (problems[r].empty())
            continue;
        onlyCancellations = onlyCancellations && problems[r][0] == 'c';
        report += (report.empty() ? "" : "; ") + std::string("rank ") + std::to_string(r) + ": " + problems[r].substr(1);
    }
    if (report.empty())
        return;
    if (onlyCancellations)
        throw NeuroDxError(ErrorKind::Cancelled, m_setup.rankText() + ": stopped while " + what + " (" + report + ")");
    if (!localProblem.empty())
        throw NeuroDxError(localKind, m_setup.rankText() + ", " + what + ": " + localProblem);
    throw NeuroDxError(ErrorKind::Communication, m_setup.rankText() + ": stopping because of another rank, " + what + ": " + report);
}

} // namespace neurodx
