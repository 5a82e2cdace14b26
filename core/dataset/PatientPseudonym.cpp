#include "PatientPseudonym.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>

namespace fs = std::filesystem;

namespace neurodx {

namespace {

constexpr std::size_t kKeyBytes = 32;

struct KeyState {
    std::string key;
    std::string problem;
};

std::string randomKey()
{
    std::string key(kKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
        std::abort(); // no secure randomness at all: nothing sensible can go on
    return key;
}

// Reads the key file, or creates it (owner-only) with a fresh random key.
KeyState loadOrCreateKey()
{
    const fs::path file = userPseudonymKeyFile();
    std::ifstream in(file, std::ios::binary);
    if (in) {
        std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (key.size() == kKeyBytes)
            return {key, {}};
        return {randomKey(), file.string() + " is not a NeuroDx pseudonym key (wrong size): pseudonyms hold for this run only"};
    }
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    const std::string key = randomKey();
    const fs::path temporary = fs::path(file).concat(".part");
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(key.data(), static_cast<std::streamsize>(key.size()));
        if (!out)
            return {key, "the pseudonym key cannot be saved to " + file.string() + ": pseudonyms hold for this run only"};
    }
    fs::permissions(temporary, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    fs::rename(temporary, file, ec);
    if (ec) {
        fs::remove(temporary, ec);
        // Another process may have created it meanwhile: its key wins.
        std::ifstream again(file, std::ios::binary);
        std::string other((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
        if (other.size() == kKeyBytes)
            return {other, {}};
        return {key, "the pseudonym key cannot be saved to " + file.string() + ": pseudonyms hold for this run only"};
    }
    return {key, {}};
}

const KeyState& keyState()
{
    static const KeyState state = loadOrCreateKey(); // thread-safe initialisation (C++11)
    return state;
}

} // namespace

fs::path userPseudonymKeyFile()
{
    if (const char* overridden = std::getenv("NEURODX_PSEUDONYM_KEY"); overridden && *overridden)
        return overridden;
    fs::path base;
#if defined(_WIN32)
    if (const char* appData = std::getenv("APPDATA"))
        base = appData;
#elif defined(__APPLE__)
    if (const char* home = std::getenv("HOME"))
        base = fs::path(home) / "Library" / "Application Support";
#else
    if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config)
        base = config;
    else if (const char* home = std::getenv("HOME"))
        base = fs::path(home) / ".config";
#endif
    if (base.empty())
        base = fs::temp_directory_path();
    return base / "NeuroDx" / "pseudonym.key";
}

std::string hmacSha256Hex(const std::string& key, const std::string& message)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
         &length);
    static const char hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0xF];
    }
    return text;
}

std::string patientPseudonym(const std::string& patientId)
{
    return "pid-" + hmacSha256Hex(keyState().key, patientId).substr(0, 16);
}

std::string pseudonymKeyProblem()
{
    return keyState().problem;
}

} // namespace neurodx
