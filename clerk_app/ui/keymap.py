"""The keyboard map of the main window, in one place (menus, help and documentation)."""

from __future__ import annotations

from clerk_app.i18n import _

FIND_MATTER = "F2"
LOOKUP_NUMBER = "Ctrl+L"
CONFIRM = ("Ctrl+Return", "Ctrl+Enter")
DRAFTS = "Ctrl+D"
REFRESH_TODAY = "F5"
IMPORT_CATALOGUE = "Ctrl+O"
SECTION_APPLICANT = "Alt+1"
SECTION_CHECKLIST = "Alt+2"
SECTION_DECISION = "Alt+3"
HELP = "F1"
QUIT = "Ctrl+Q"
TODAY_LIST = "F6"
DEADLINE_LIST = "F7"
OWED_LIST = "F8"
HAND_OVER = "F4"
POST = "Shift+F4"
SETTINGS = "Ctrl+Alt+S"

HELP_LINES = (
    _("F2　查找事项（输入名称、编码、全拼或首字母；↑↓ 选择，Enter 开始受理）"),
    _("Tab / Shift+Tab　在各栏之间移动：证件类型 → 证件号码 → 姓名 → 电话 → 住址 → 代理人 → 送达方式 → 材料清单 → 受理决定"),
    _("Alt+Z / Alt+O　申请人为自然人 / 法人或其他组织；Alt+G　代理人代为申请"),
    _("Alt+1 / Alt+2 / Alt+3　转到 申请人 / 材料清单 / 受理决定"),
    _("材料清单中：1 已收取　2 电子证照已核验　3 容缺　4 告知承诺　5 免交　6 缺失　7 不符合要求"),
    _("材料清单中：空格 勾选由窗口判断的条件；Enter 修改当前单元格；↑↓←→ 移动"),
    _("Alt+R　不予受理（填写理由类别、理由、法律依据）"),
    _("Ctrl+Enter　确认受理决定"),
    _("Ctrl+L　办件查询：输入办件编号直接打开，或输入证件号码、姓名、电话查询"),
    _("扫码枪：在窗口任何位置扫描通知书条码，即打开该办件（正在输入的内容不受影响）"),
    _("办件详情中：Alt+B 补交材料　Alt+C 出件　Alt+Y 邮寄送达　Alt+R 补打通知书　Alt+K 查看通知书"),
    _("办件详情中（中心负责人）：Alt+T 暂停计时　Alt+H 恢复计时　Alt+E 延期"),
    _("通知书预览中：Ctrl+P 打印　Ctrl+Shift+P 快速打印（默认打印机）　Ctrl+S 另存为 PDF　Esc 关闭"),
    _("F6 今日办件　F7 在办/预警　F8 容缺待补；列表中 Enter 打开办件"),
    _("F4 出件　Shift+F4 邮寄送达　Ctrl+Alt+S 中心设置　F9 立即同步"),
    _("材料页面：Ctrl+J 从文件添加　Ctrl+K 高拍仪拍摄（空格拍一页，Enter 完成）　Ctrl+Shift+J 查看与整理（Ctrl+←/→ 调整顺序，Delete 删除）"),
    _("Ctrl+D　未完成的草稿；F5 刷新今日办件；Ctrl+O 导入事项目录；F1 本帮助"),
    _("村务：Ctrl+Alt+H 代办回执　Ctrl+Alt+J 材料交接单（空格勾选，Ctrl+Enter 生成）　"
      "Ctrl+Alt+T 在途办件　Ctrl+Alt+O 打开交接单（扫交接单条码亦可；Ctrl+R 收件，"
      "Ctrl+Enter 受理决定）"),
)
