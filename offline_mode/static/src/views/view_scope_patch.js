import { patch } from "@web/core/utils/patch";
import { CalendarModel } from "@web/views/calendar/calendar_model";
import { View } from "@web/views/view";
import { SCOPE_CONTEXT_KEY } from "../core/cache_key";

/**
 * Adds to the context of every view which action and view type it serves. The
 * requests the view makes carry that context; the read cache takes the marker
 * out before sending them (the server never sees it) and uses it to skip
 * actions with "Data caching" off and to know what is available offline
 * (menus, view switcher, records).
 *
 * @param {Object} props View props
 * @param {Object} config the view's env.config
 */
function withOfflineScope(props, config) {
    const scope = { action: config.actionId || false, view: props.type };
    return { ...props, context: { ...props.context, [SCOPE_CONTEXT_KEY]: scope } };
}

patch(View.prototype, {
    loadView(props) {
        return super.loadView(withOfflineScope(props, this.env.config));
    },
    onWillUpdateProps(nextProps) {
        return super.onWillUpdateProps(withOfflineScope(nextProps, this.env.config));
    },
});

/**
 * The calendar reads its events without the view's context: its ORM adds the
 * scope to each call, so that its answers count for the calendar of the action
 * (view switcher and menus offline).
 */
patch(CalendarModel.prototype, {
    setup() {
        super.setup(...arguments);
        const scope = { action: this.env.config.actionId || false, view: "calendar" };
        const orm = this.orm;
        this.orm = Object.assign(Object.create(orm), {
            call(model, method, args = [], kwargs = {}) {
                const context = { ...kwargs.context, [SCOPE_CONTEXT_KEY]: scope };
                return orm.call(model, method, args, { ...kwargs, context });
            },
        });
    },
});
