import { patch } from "@web/core/utils/patch";
import { KanbanController } from "@web/views/kanban/kanban_controller";
import { multiRecordControllerPatch } from "../offline_controllers";

/** Offline: opening records, "New" (its button: `createRecord`), reloads after a sync. */
patch(KanbanController.prototype, multiRecordControllerPatch("createRecord"));
