// Appended to the backend bundle by tests/test_offline_start.py (an ir.asset), so that
// the bundle's hash changes between two page loads, as after an upgrade of the addon.
export const upgraded = true;
