#include "UserFolders.h"

#include <cstdlib>

namespace neurodx {

namespace fs = std::filesystem;

namespace {

fs::path environmentPath(const char* name)
{
    const char* value = std::getenv(name);
    return value && *value ? fs::path(value) : fs::path();
}

// Where per-user application files go on this platform, before NeuroDx's own folder names.
fs::path platformFolder(const char* xdgVariable, const char* xdgFallback)
{
#if defined(_WIN32)
    (void)xdgVariable;
    (void)xdgFallback;
    return environmentPath("APPDATA");
#elif defined(__APPLE__)
    (void)xdgVariable;
    (void)xdgFallback;
    const fs::path home = environmentPath("HOME");
    return home.empty() ? home : home / "Library" / "Application Support";
#else
    if (fs::path xdg = environmentPath(xdgVariable); !xdg.empty() && xdg.is_absolute())
        return xdg;
    const fs::path home = environmentPath("HOME");
    return home.empty() ? home : home / xdgFallback;
#endif
}

} // namespace

fs::path userConfigFolder()
{
    const fs::path base = platformFolder("XDG_CONFIG_HOME", ".config");
    return base.empty() ? base : base / "NeuroDx";
}

fs::path userDataFolder()
{
    const fs::path base = platformFolder("XDG_DATA_HOME", ".local/share");
    return base.empty() ? base : base / "NeuroDx" / "NeuroDx";
}

} // namespace neurodx
