#include "PatientPseudonym.h"

#include "common/Platform.h"
#include "common/UserFolders.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>


#include <cerrno>
#include <cstdlib>
#include <cstring>
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

std::string unsaved(const fs::path& file, const std::string& why)
{
    return "the pseudonym key cannot be saved to " + file.string() + " (" + why + "): pseudonyms hold for this run only";
}

// Writes `key` to a new owner-only file and puts it in place only if no key exists yet, so a key is
// never replaced (that would make every earlier pseudonym unlinkable). Returns errno, 0 on success,
// EEXIST when another process created the key first.
int saveNewKey(const fs::path& file, const std::string& key)
{
    return platform::writeNewPrivateFile(file, key);
}

// Reads the key file, or creates it (owner-only, from the first byte) with a fresh random key.
KeyState loadOrCreateKey()
{
    const fs::path file = userPseudonymKeyFile();
    if (file.empty())
        return {randomKey(), "there is no configuration folder (HOME is not set): pseudonyms hold for this run only"};
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::ifstream in(file, std::ios::binary);
        if (in) {
            std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (key.size() == kKeyBytes)
                return {key, {}};
            return {randomKey(), file.string() + " is not a NeuroDx pseudonym key (wrong size): pseudonyms hold for this run only"};
        }
        std::error_code ec;
        if (fs::symlink_status(file, ec).type() != fs::file_type::not_found)
            return {randomKey(), file.string() + " exists but cannot be read: pseudonyms hold for this run only (it is left as it is)"};
        fs::create_directories(file.parent_path(), ec);
        const std::string key = randomKey();
        const int error = saveNewKey(file, key);
        if (error == 0)
            return {key, {}};
        if (error != EEXIST)
            return {key, unsaved(file, std::strerror(error))};
        // Another process created the key meanwhile: read its key.
    }
    return {randomKey(), unsaved(file, "it changes while being read")};
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
    const fs::path folder = userConfigFolder();
    if (folder.empty())
        return {}; // never a shared folder such as /tmp, where another user could plant a key
    return folder / "pseudonym.key";
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
