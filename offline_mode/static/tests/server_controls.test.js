import { expect, test } from "@odoo/hoot";
import {
    hover,
    manuallyDispatchProgrammaticEvent as dispatch,
    press,
    queryAll,
    queryOne,
} from "@odoo/hoot-dom";
import { animationFrame, runAllTimers } from "@odoo/hoot-mock";
import { Component, xml } from "@odoo/owl";
import { contains, mountWithCleanup } from "@web/../tests/web_test_helpers";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { FileUploader } from "@web/views/fields/file_handler";
import { defineWebClientTestSetup, goBackOnline, goOffline } from "./offline_test_helpers";

defineWebClientTestSetup();

/**
 * The chatter's controls as mail renders them (mail is not a dependency of this
 * addon, so its Chatter is not loaded in these tests): same classes, same
 * structure where the selection depends on it.
 */
class Chatter extends Component {
    static components = { Dropdown, DropdownItem, FileUploader };
    static props = {};
    static template = xml`
        <div class="o-mail-Chatter">
            <div class="o-mail-Chatter-topbar d-flex">
                <button class="o-mail-Chatter-sendMessage btn" data-hotkey="m" t-on-click="() => this.act('send message')">Send message</button>
                <button class="o-mail-Chatter-logNote btn" t-on-click="() => this.act('log note')">Log note</button>
                <button class="o-mail-Chatter-activity btn" t-on-click="() => this.act('activities')">Activities</button>
                <span class="flex-grow-1"/>
                <FileUploader fileUploadClass="'o-mail-Chatter-fileUploader'" onUploaded="() => {}" onClick="() => this.onClickAttachFile('paperclip')">
                    <t t-set-slot="toggler">
                        <button class="o-mail-Chatter-attachFiles btn o_test_paperclip_upload" aria-label="Attach files"><i class="fa fa-paperclip"/></button>
                    </t>
                </FileUploader>
                <button class="o-mail-Chatter-attachFiles btn o_test_paperclip_show" aria-label="Attach files" t-on-click="() => this.act('show attachments')"><i class="fa fa-paperclip"/><sup>1</sup></button>
                <Dropdown menuClass="'o-mail-Followers-dropdown'">
                    <button class="o-mail-Followers-button btn" title="Show Followers">Followers</button>
                    <t t-set-slot="content">
                        <DropdownItem onSelected="() => this.act('add followers')" attrs="{ href: '#' }">Add Followers</DropdownItem>
                        <div class="dropdown-item o-mail-Follower">
                            <a class="o-mail-Follower-details" href="#" t-on-click.prevent="() => this.act('follower details')">Marc Demo</a>
                            <button class="o-mail-Follower-action btn" title="Remove this follower" t-on-click="() => this.act('remove follower')"><i class="fa fa-remove"/></button>
                        </div>
                    </t>
                </Dropdown>
                <button class="btn o_test_unfollow" t-on-click="() => this.act('unfollow')">
                    <div class="position-relative"><span class="o-mail-Chatter-follow">Following</span></div>
                </button>
            </div>
            <div class="o-mail-Composer">
                <textarea class="o-mail-Composer-input" t-on-keydown="onComposerKeydown" t-on-paste="() => this.act('paste')"/>
                <button class="o-mail-Composer-send btn" t-on-click="() => this.act('send')">Send</button>
            </div>
            <div class="o-mail-AttachmentBox">
                <div class="o-mail-AttachmentCard">
                    <button class="o-mail-AttachmentCard-unlink btn" title="Remove" t-on-click.stop="() => this.act('remove attachment')"><i class="fa fa-trash"/></button>
                    <button class="btn o_test_download" title="Download" t-on-click.stop="() => this.act('download')"><i class="fa fa-download"/></button>
                </div>
                <FileUploader fileUploadClass="'o-mail-Chatter-fileUploader'" onUploaded="() => {}" onClick="() => this.onClickAttachFile('attach files')">
                    <t t-set-slot="toggler"><button class="btn btn-link o_test_attach_files">Attach files</button></t>
                </FileUploader>
            </div>
            <div class="o-mail-Chatter-dropzone" t-on-drop="() => this.act('drop')">Drag Files Here</div>
        </div>`;

    act(what) {
        expect.step(what);
    }

    onClickAttachFile(what) {
        this.act(what);
        return false; // no file picker in a test
    }

    onComposerKeydown(ev) {
        if (ev.key === "Enter" && ev.ctrlKey) {
            this.act("post");
        }
    }
}

/** Each control, as clicked, and what it does when it acts. */
const CONTROLS = [
    [".o-mail-Chatter-sendMessage", "send message"],
    [".o-mail-Chatter-logNote", "log note"],
    [".o-mail-Chatter-activity", "activities"],
    [".o_test_paperclip_upload", "paperclip"],
    [".o_test_unfollow", "unfollow"],
    [".o-mail-Composer-send", "send"],
    [".o-mail-AttachmentCard-unlink", "remove attachment"],
    [".o_test_attach_files", "attach files"],
];
const FOLLOWERS_CONTROLS = [
    [".o-mail-Followers-dropdown .o-dropdown-item:contains(Add Followers)", "add followers"],
    [".o-mail-Follower-action", "remove follower"],
];

async function clickEach(controls) {
    for (const [selector] of controls) {
        await contains(selector).click();
    }
}

async function clickFollowersControls() {
    for (const [selector] of FOLLOWERS_CONTROLS) {
        await contains(".o-mail-Followers-button").click();
        await contains(selector).click();
    }
}

const NOT_ACTING = "This needs a connection to the server. Try again once you are back online.";

test("offline, the chatter's server controls are grayed out and do nothing; online they act", async () => {
    await mountWithCleanup(Chatter);
    await clickEach(CONTROLS);
    await clickFollowersControls();
    const acts = [...CONTROLS, ...FOLLOWERS_CONTROLS].map(([, what]) => what);
    expect.verifySteps(acts);
    expect(".o_offline_unavailable").toHaveCount(0);

    await goOffline();
    for (const [selector] of CONTROLS) {
        expect(selector).toHaveClass("o_offline_unavailable");
        expect(selector).toHaveAttribute("data-tooltip", "Not available offline");
    }
    await clickEach(CONTROLS);
    expect.verifySteps([]);
    expect(queryAll(".o_notification").length).toBeGreaterThan(0);
    expect(".o_notification:last").toHaveText(NOT_ACTING);
    // Rendered after the connection was lost: the followers' menu.
    await contains(".o-mail-Followers-button").click();
    for (const [selector] of FOLLOWERS_CONTROLS) {
        expect(selector).toHaveClass("o_offline_unavailable");
        expect(selector).toHaveAttribute("data-tooltip", "Not available offline");
    }
    await contains(FOLLOWERS_CONTROLS[0][0]).click();
    await contains(FOLLOWERS_CONTROLS[1][0]).click();
    expect.verifySteps([]);

    await goBackOnline();
    expect(".o_offline_unavailable").toHaveCount(0);
    expect("[data-tooltip]").toHaveCount(0);
    await clickEach(CONTROLS);
    await clickFollowersControls();
    expect.verifySteps(acts);
});

test("offline, what only reads stays available: attachments, a download, the followers", async () => {
    await mountWithCleanup(Chatter);
    await goOffline();
    for (const selector of [
        ".o_test_paperclip_show",
        ".o_test_download",
        ".o-mail-Followers-button",
    ]) {
        expect(selector).not.toHaveClass("o_offline_unavailable");
        await contains(selector).click();
    }
    await contains(".o-mail-Follower-details").click();
    expect.verifySteps(["show attachments", "download", "follower details"]);
});

test("offline, a grayed control shows the tooltip instead of its own title, given back online", async () => {
    await mountWithCleanup(Chatter);
    await goOffline();
    expect(".o-mail-AttachmentCard-unlink").not.toHaveAttribute("title");
    await hover(".o-mail-AttachmentCard-unlink");
    await runAllTimers();
    expect(".o-tooltip").toHaveText("Not available offline");

    await goBackOnline();
    expect(".o-mail-AttachmentCard-unlink").toHaveAttribute("title", "Remove");
    expect(".o-mail-AttachmentCard-unlink").not.toHaveAttribute("data-tooltip");
});

test("offline, a hotkey, Ctrl+Enter in the composer, a dropped or pasted file do nothing", async () => {
    await mountWithCleanup(Chatter);
    const pasteFile = () => {
        const clipboardData = new DataTransfer();
        clipboardData.items.add(new File(["hello"], "hello.txt", { type: "text/plain" }));
        dispatch(queryOne(".o-mail-Composer-input"), "paste", { clipboardData });
    };
    const tryAll = async () => {
        await press(["alt", "m"]);
        await contains(".o-mail-Composer-input").click();
        await press(["ctrl", "Enter"]);
        pasteFile();
        dispatch(queryOne(".o-mail-Chatter-dropzone"), "drop");
        await animationFrame();
    };
    await tryAll();
    expect.verifySteps(["send message", "post", "paste", "drop"]);

    await goOffline();
    await tryAll();
    expect.verifySteps([]);
    expect(queryOne(".o_notification:last")).toHaveText(NOT_ACTING);
});
