import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("offline_mode_settings_block", {
    steps: () => [
        {
            content: "The Offline mode block is in General Settings",
            trigger: "#offline_mode_settings:contains(Offline mode)",
        },
        {
            content: "Offline mode is on by default",
            trigger: "#offline_mode_enabled_setting input[type=checkbox]:checked",
        },
        {
            content: "The storage cap shows its default",
            trigger:
                "#offline_mode_storage_setting .o_field_widget[name=offline_mode_storage_cap_mb] input:value(2,048)",
        },
        {
            content: "Conflict handling defaults to asking the user",
            trigger: "#offline_mode_conflict_policy_setting input[data-value=ask]:checked",
        },
    ],
});
