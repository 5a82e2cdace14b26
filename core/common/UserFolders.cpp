#include "UserFolders.h"

#include "Platform.h"

namespace neurodx {

namespace fs = std::filesystem;

namespace {

// Where per-user application files go on this platform, before NeuroDx's own folder names.
fs::path platformFolder(const char* xdgVariable, const char* xdgFallback)
{
#if defined(_WIN32)
    (void)xdgVariable;
    (void)xdgFallback;
    return platform::environmentPath("APPDATA");
#elif defined(__APPLE__)
    (void)xdgVariable;
    (void)xdgFallback;
    const fs::path home = platform::environmentPath("HOME");
    return home.empty() ? home : home / "Library" / "Application Support";
#else
    if (fs::path xdg = platform::environmentPath(xdgVariable); !xdg.empty() && xdg.is_absolute())
        return xdg;
    const fs::path home = platform::environmentPath("HOME");
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
