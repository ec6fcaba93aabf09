import { browser } from "@web/core/browser/browser";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import { offlineReadCacheService } from "../read_cache/read_cache_service";
import { shellBytesKey } from "./offline_shell_service";

const MB = 1024 * 1024;

/**
 * The web client's shell counts in the storage cap: the read cache gets what
 * the cap leaves once the shell (its size at the last start) is kept.
 */
patch(offlineReadCacheService, {
    start(env, dependencies) {
        const config = dependencies.offline_config;
        const shellMb =
            Number(browser.localStorage.getItem(shellBytesKey(session.db, user.userId)) || 0) / MB;
        const storageCapMb = Math.max(config.storage_cap_mb - shellMb, 0);
        return super.start(env, {
            ...dependencies,
            offline_config: { ...config, storage_cap_mb: storageCapMb },
        });
    },
});
