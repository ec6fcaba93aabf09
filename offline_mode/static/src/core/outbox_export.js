/**
 * Unsynced changes as a file the user can keep: nothing is ever trapped in
 * one browser. The file holds each change as `/offline_mode/sync` takes it
 * (docs/sync-api.md), so an administrator can send it for that user, and
 * what the dropdown shows of it (record, status, the server's reason).
 */

import { user } from "@web/core/user";
import { session } from "@web/session";
import { utcNow } from "./offline_change";
import { MissingCreationError, toSyncPayload } from "./sync_payload";
import { clientId } from "./sync_service";

/**
 * @param {import("./offline_change").OfflineChange[]} changes
 * @param {(localId: number) => string|undefined} uuidOfLocalId
 * @returns {{ name: string, content: string }}
 */
export function exportChanges(changes, uuidOfLocalId) {
    const exportedAt = utcNow();
    const exported = {
        database: session.db,
        user_id: user.userId,
        login: user.login,
        client_id: clientId(),
        exported_at: exportedAt,
        changes: changes.map((change) => {
            let payload;
            try {
                payload = toSyncPayload(change, uuidOfLocalId);
            } catch (error) {
                if (!(error instanceof MissingCreationError)) {
                    throw error;
                }
                payload = { uuid: change.uuid, model: change.model, operation: change.operation };
            }
            return {
                ...payload,
                record_name: change.recordName,
                status: change.status,
                error: change.error,
                conflicts: change.conflicts,
            };
        }),
    };
    const stamp = exportedAt.replace(/[^0-9]/g, "").slice(0, 14);
    return {
        name: `offline_changes_${session.db}_${user.login}_${stamp}.json`,
        content: JSON.stringify(exported, null, 2),
    };
}
