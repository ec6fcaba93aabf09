{
    "name": "Offline Mode",
    "version": "18.0.1.0.0",
    "category": "Productivity",
    "summary": "Keep working in the web client when the connection drops; changes sync by themselves when it returns",
    "description": """
Offline mode for the Odoo web client
====================================
Views and records opened before stay available offline; edits, creations,
deletions, archiving and unarchiving made offline are queued in the browser and
synchronised exactly once, as the user, when the connection returns. Conflicts
with other users' edits are reported instead of silently overwritten.
""",
    "author": "offline_mode contributors",
    "license": "LGPL-3",
    "depends": ["web", "base_setup"],
    "data": [
        "views/ir_actions_act_window_views.xml",
        "views/res_config_settings_views.xml",
        "security/ir.model.access.csv",
        "security/offline_change_security.xml",
        "views/offline_change_views.xml",
        "views/offline_unlock_templates.xml",
        "views/res_users_views.xml",
        "data/ir_cron_data.xml",
    ],
    "assets": {
        "web.assets_backend": [
            # A plain script, before the modules that use it (see the file).
            "offline_mode/static/lib/offline_crypto.js",
            "offline_mode/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "offline_mode/static/tests/**/*",
            ("remove", "offline_mode/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "offline_mode/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
