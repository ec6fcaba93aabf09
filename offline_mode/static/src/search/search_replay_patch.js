import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { SearchBar } from "@web/search/search_bar/search_bar";
import { SearchModel } from "@web/search/search_model";
import { stableStringify } from "../core/cache_key";
import { useOfflineAvailability } from "../core/offline_hooks";

function facetLabel(facet) {
    const values = facet.values.join(` ${facet.separator || _t("or")} `);
    if (facet.type === "groupBy") {
        return _t("Group by: %s", values);
    }
    return facet.title ? `${facet.title}: ${values}` : values;
}

/**
 * Search replay: every search run online in a multi-record view of an action
 * (search text, filters, group-bys, favorites) is remembered with the state of
 * the search model; offline, choosing one restores that state, and the view
 * reloads the results the read cache stored when it ran.
 */
patch(SearchModel.prototype, {
    async _notify() {
        const blocked = this.blockNotification;
        await super._notify();
        if (!blocked) {
            this._rememberSearchForOffline();
        }
    },

    _rememberSearchForOffline() {
        const { actionId, viewType } = this.env.config;
        const { offline_connectivity: connectivity, offline_read_cache: readCache } =
            this.env.services;
        if (
            !actionId ||
            !this.searchMenuTypes.size ||
            !connectivity ||
            connectivity.status.isOffline ||
            !this.facets.length
        ) {
            return;
        }
        let state;
        try {
            // A plain copy: the stored state is structured-cloned by IndexedDB.
            state = JSON.parse(JSON.stringify(this.exportState()));
        } catch (error) {
            // Remembering a search must never break searching online.
            console.warn("offline_mode: this search cannot be remembered", error);
            return;
        }
        const label = this.facets.map(facetLabel).join(" · ");
        // The same search run twice is remembered once.
        const id = `${actionId}:${viewType}:${stableStringify([label, this.domain, this.groupBy])}`;
        readCache
            .rememberSearch({ id, actionId, viewType, label, state })
            .catch((error) => console.warn("offline_mode: could not remember the search", error));
    },

    /** The searches run online in this action and view type, most recent first. */
    async searchesRunOnline() {
        const { actionId, viewType } = this.env.config;
        if (!actionId) {
            return [];
        }
        const searches = await this.env.services.offline_read_cache.searchesFor(actionId);
        return searches.filter((search) => search.viewType === viewType);
    },

    /** Restores a search run online; the view then reloads its stored results. */
    replaySearch(search) {
        this._importState(search.state);
        return this._notify();
    },
});

/** Offline, clicking in the search bar lists the searches run online in this view. */
patch(SearchBar.prototype, {
    setup() {
        super.setup();
        this.offline = useOfflineAvailability();
        this.notification = useService("notification");
        this.searchesRunOnline = useState({ list: null });
    },

    async onSearchClick() {
        if (!this.offline.isOffline) {
            return super.onSearchClick();
        }
        this.searchesRunOnline.list = await this.env.searchModel.searchesRunOnline();
    },

    closeSearchesRunOnline() {
        this.searchesRunOnline.list = null;
    },

    async replaySearch(search) {
        this.closeSearchesRunOnline();
        await this.env.searchModel.replaySearch(search);
    },

    onSearchInput(ev) {
        this.closeSearchesRunOnline();
        return super.onSearchInput(ev);
    },

    onWindowClick(ev) {
        if (this.searchesRunOnline.list && !this.root.el?.contains(ev.target)) {
            this.closeSearchesRunOnline();
        }
        return super.onWindowClick(ev);
    },

    onWindowKeydown(ev) {
        if (ev.key === "Escape") {
            this.closeSearchesRunOnline();
        }
        return super.onWindowKeydown(ev);
    },
});
