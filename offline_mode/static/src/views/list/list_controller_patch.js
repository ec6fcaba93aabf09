import { patch } from "@web/core/utils/patch";
import { ListController } from "@web/views/list/list_controller";
import { multiRecordControllerPatch } from "../offline_controllers";

/** Offline: opening records, "New" (its button: `onClickCreate`), reloads after a sync. */
patch(ListController.prototype, multiRecordControllerPatch("onClickCreate"));
