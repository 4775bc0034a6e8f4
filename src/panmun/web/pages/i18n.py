"""Labels of the dashboard in English and Korean.

Every label the pages show is a key of :data:`LABELS` with its English and Korean text.
The language comes from ``?lang=en|ko`` (which the page routes store in the ``lang``
cookie) or the cookie; English otherwise. Names from the knowledge base (agreement
``title_ko``, actor ``name_ko``) are not labels: the pages take them from the store.
"""

from __future__ import annotations

LANGS = ("en", "ko")
DEFAULT = "en"
COOKIE = "lang"

#: key -> (English, Korean)
LABELS: dict[str, tuple[str, str]] = {
    # layout
    "app": ("panmun workbench", "판문 워크벤치"),
    "skip": ("Skip to main content", "본문으로 건너뛰기"),
    "nav": ("Main navigation", "주 메뉴"),
    "language": ("Language", "언어"),
    "signin": ("Sign in", "로그인"),
    "signout": ("Sign out", "로그아웃"),
    "signed_in_as": ("Signed in as", "로그인 사용자:"),
    "anonymous": ("Reading as a guest", "손님으로 열람 중"),
    "loading": ("Loading…", "불러오는 중…"),
    "record_through": ("Record through {date}: the newest event or implementation change in the store.",
                       "기록 기준일 {date}: 저장소의 가장 최근 사건 또는 이행 변경."),
    "not_available": ("Not available: this part of the workbench is not served yet ({what}).",
                      "사용할 수 없음: 워크벤치의 이 기능은 아직 제공되지 않습니다 ({what})."),
    "error": ("Error", "오류"),
    "no_data": ("No data.", "자료가 없습니다."),
    "noscript": ("The dashboard needs JavaScript (served by this server; nothing comes from the internet).",
                 "대시보드를 쓰려면 자바스크립트가 필요합니다(이 서버가 제공하며 인터넷에서 받지 않습니다)."),
    # pages
    "overview": ("Overview", "개요"),
    "agreements": ("Agreements", "합의"),
    "environment": ("Environment", "정세 환경"),
    "scenarios": ("Scenarios", "시나리오"),
    "armscontrol": ("Arms control", "군비통제"),
    "actors": ("Actors", "행위자"),
    "roadmap": ("Roadmap", "로드맵"),
    "briefing": ("Briefing", "브리핑"),
    # overview
    "implementation_by_vector": ("Implementation by vector", "벡터별 이행 현황"),
    "latest_events": ("Latest events", "최근 사건"),
    "kor_prk_index": ("Inter-Korean cooperation index (KOR-PRK)", "남북 협력 지수 (KOR-PRK)"),
    "forecast": ("Forecast", "전망"),
    "latest_index": ("Latest month {month}: index {value}", "최근 월 {month}: 지수 {value}"),
    "implementation": ("Implementation", "이행률"),
    "missile-launch": ("Missile launch", "미사일 발사"),
    "provocation": ("Provocation", "도발"),
    "target": ("Target", "대상"),
    "data_through": ("Data through", "자료 기준월"),
    "forecast_note": ("Probability of the event next month, per model (lines: the model's interval).",
                      "다음 달 해당 사건이 일어날 확률(모형별, 선은 모형의 구간)."),
    "track_record": ("Forecast track record", "전망 적중 기록"),
    "track_note": ("Each month's forecast of a missile launch by the chosen model and by the best simple "
                   "baseline, against what happened (dots: months with a launch).",
                   "매월 선택 모형과 가장 나은 단순 기준 모형의 미사일 발사 전망과 실제 결과"
                   "(점: 발사가 있었던 달)."),
    "track_summary": ("Last {months} months: Brier score {chosen} ({chosen_model}) against {baseline} "
                      "({baseline_model}); lower is better.",
                      "최근 {months}개월 Brier 점수: {chosen}({chosen_model}), "
                      "기준 {baseline}({baseline_model}); 낮을수록 좋음."),
    "launch_happened": ("Launch", "발사"),
    "probability": ("Probability", "확률"),
    "data_sources": ("Data sources", "자료 출처"),
    "sources_note": ("Each public feed: its last successful update, the newest event it gave, and its "
                     "last error.",
                     "공개 자료원별 마지막 성공 갱신, 가장 최근 사건 날짜, 마지막 오류."),
    "source_name": ("Source", "자료원"),
    "last_success": ("Last successful update (UTC)", "마지막 성공 갱신 (UTC)"),
    "last_error": ("Last error", "마지막 오류"),
    "never": ("never", "없음"),
    "update_now": ("Update now", "지금 갱신"),
    "update_running": ("An update is running…", "갱신 중…"),
    "update_schedule": ("The server updates every {hours} h; last run ended {when}.",
                        "서버가 {hours}시간마다 갱신합니다. 마지막 실행 종료: {when}."),
    "update_manual": ("The server updates only when an admin starts it; last run ended {when}.",
                      "관리자가 시작할 때만 갱신합니다. 마지막 실행 종료: {when}."),
    "briefing_intro": ("Prepare the briefing (it runs as a job), then download it.",
                       "브리핑을 작성한 뒤(작업으로 실행) 내려받으십시오."),
    "prepare_briefing": ("Prepare briefing", "브리핑 작성"),
    "download_html": ("Download HTML", "HTML 내려받기"),
    "download_pdf": ("Download PDF", "PDF 내려받기"),
    # agreements
    "agreement": ("Agreement", "합의"),
    "provisions": ("Provisions", "조항"),
    "provision": ("Provision", "조항"),
    "article": ("Article", "조"),
    "title": ("Title", "제목"),
    "date": ("Date", "날짜"),
    "parties": ("Parties", "당사자"),
    "summary": ("Summary", "요약"),
    "sources": ("Sources", "출처"),
    "status": ("Status", "이행 상태"),
    "since": ("Since", "시작일"),
    "until": ("Until", "종료일"),
    "history": ("History", "이력"),
    "evidence": ("Evidence", "근거 자료"),
    "audit": ("Audit trail", "감사 기록"),
    "score": ("Score", "점수"),
    "state": ("State", "상태"),
    "note": ("Note", "메모"),
    "source_url": ("Source URL", "출처 URL"),
    "recorded_by": ("Recorded by", "기록자"),
    "show": ("Show", "보기"),
    "record_update": ("Record a status update", "이행 상태 갱신 기록"),
    "score_or_state": ("Score (0-3) or state", "점수(0-3) 또는 상태"),
    "save": ("Save", "저장"),
    "saved": ("Saved.", "저장했습니다."),
    "conflict": ("Someone changed this record; reload the page and apply your update again.",
                 "다른 사용자가 이 기록을 변경했습니다. 페이지를 새로 고친 뒤 다시 입력하십시오."),
    "reload": ("Reload", "새로 고침"),
    "sign_in_to_edit": ("Sign in as an analyst to record status updates.",
                        "이행 상태를 기록하려면 분석관 계정으로 로그인하십시오."),
    "vector": ("Vector", "벡터"),
    # environment
    "dyad": ("Dyad", "쌍(dyad)"),
    "apply": ("Apply", "적용"),
    "index_value": ("Index", "지수"),
    "index_both": ("Both directions", "양방향 합계"),
    "index_direction": ("{direction} only", "{direction} 방향만"),
    "index_reciprocity_note": ("Each direction on its own beside the combined index: one side's gestures "
                               "are not a thaw unless the other side answers.",
                               "합계 지수와 함께 방향별 지수를 표시합니다: 상대가 호응하지 않으면 한쪽의 "
                               "유화 조치는 관계 개선이 아닙니다."),
    "change_points": ("Change points", "변화점"),
    "events": ("Events", "사건"),
    "zoom_hint": ("Drag on the chart to zoom, double-click to reset; or set the dates above.",
                  "차트를 끌어서 확대하고 두 번 눌러 되돌리거나, 위에서 날짜를 지정하십시오."),
    "date_range": ("Date range", "기간"),
    "n_months": ("{n} months", "{n}개월"),
    "n_change_points": ("{n} change points", "변화점 {n}개"),
    "n_events": ("{n} events", "사건 {n}건"),
    # scenarios
    "scenario": ("Scenario", "시나리오"),
    "compare_with": ("Compare with", "비교 대상"),
    "none": ("— none —", "— 없음 —"),
    "runs": ("Runs", "실행 횟수"),
    "n_runs": ("{n} runs each", "각 {n}회 실행"),
    "horizon": ("Horizon (months)", "기간(개월)"),
    "seed": ("Seed", "난수 시드"),
    "run": ("Run", "실행"),
    "progress": ("Progress", "진행률"),
    "fan_note": ("Bands: 5–95 % of runs; line: median.", "띠: 실행 결과의 5–95 %, 선: 중앙값."),
    "job_failed": ("The job failed", "작업이 실패했습니다"),
    # vectors (stocks of the three-vector model and provision vectors)
    "denuclearization": ("Denuclearization", "비핵화"),
    "peace_regime": ("Peace regime", "평화체제"),
    "peace-regime": ("Peace regime", "평화체제"),
    "arms_control": ("Arms control", "군비통제"),
    "arms-control": ("Arms control", "군비통제"),
    "exchange": ("Inter-Korean exchange", "남북 교류"),
    "trust": ("Trust", "신뢰"),
    # provision states
    "not-initiated": ("not initiated", "미착수"),
    "minimal": ("minimal", "최소 이행"),
    "intermediate": ("intermediate", "부분 이행"),
    "full": ("full", "완전 이행"),
    "suspended": ("suspended", "중단"),
    "reversed": ("reversed", "번복"),
    "untracked": ("untracked", "미추적"),
    # arms control
    "packages": ("Packages", "조치 패키지"),
    "compare": ("Compare", "비교"),
    "choose_packages": ("Choose packages to compare", "비교할 패키지 선택"),
    "risk": ("Risk", "위험"),
    "p_deadly_clash": ("Deadly clash (probability, %)", "사망자 발생 충돌 확률(%)"),
    "p_escalation": ("Escalation (probability, %)", "확전 확률(%)"),
    "reduction": ("Reduction", "감소율"),
    "incidents_by_domain": ("Incidents by domain (per year)", "영역별 사건 수(연간)"),
    "rank": ("Rank", "순위"),
    "package": ("Package", "패키지"),
    "measures": ("Measures (level 0-1)", "조치(수준 0-1)"),
    "exercises": ("Exercises", "군사훈련"),
    "description": ("Description", "설명"),
    # actors
    "issue": ("Issue", "쟁점"),
    "at": ("As of", "기준일"),
    "model": ("Model", "모형"),
    "positions": ("Positions", "입장"),
    "bargaining": ("Bargaining outcome", "협상 결과"),
    "roles": ("Roles", "역할"),
    "actor": ("Actor", "행위자"),
    "position": ("Position", "입장"),
    "salience": ("Salience", "현저성"),
    "outcome": ("Outcome", "결과"),
    "capability": ("Capability", "역량"),
    "amounts": ("Changes tried", "시험한 변화량"),
    "position_step": ("Position step (points)", "입장 변화(점)"),
    "salience_step": ("Salience step", "현저성 변화"),
    "capability_share": ("Capability step (share)", "역량 변화(비율)"),
    "weight_share": ("Weight share", "가중치 비중"),
    "toward": ("Outcome shift: position toward", "결과 변화: 입장 접근"),
    "away": ("Outcome shift: position away", "결과 변화: 입장 이탈"),
    "salience_up": ("Outcome shift: salience up", "결과 변화: 현저성 증가"),
    "capability_up": ("Outcome shift: capability up", "결과 변화: 역량 증가"),
    "coalitions": ("Deciding coalitions", "결정 연합"),
    "pivot": ("Pivot", "중추 행위자"),
    "low": ("Low", "하한"),
    "high": ("High", "상한"),
    # roadmap
    "steps": ("Steps", "단계"),
    "run_planner": ("Run the planner", "계획 수립 실행"),
    "objective": ("Objective", "목표"),
    "progress_objective": ("Overall progress", "전체 진전"),
    "plan_hint": ("Run the planner to draw a plan (it runs as a job: from a few seconds to a minute).",
                  "계획 수립을 실행하면 계획이 그려집니다(작업으로 실행되며 몇 초에서 1분 정도 걸립니다)."),
    "time_limit": ("Time limit (s)", "제한 시간(초)"),
    "timeline": ("Timeline", "일정표"),
    "tasks": ("Tasks per actor", "행위자별 과제"),
    "month": ("Month", "월"),
    "step": ("Step", "단계"),
    "name": ("Name", "이름"),
    # sign in
    "password": ("Password", "비밀번호"),
    "bad_credentials": ("Wrong name or password.", "이름 또는 비밀번호가 틀렸습니다."),
    # events table
    "actor1": ("Actor 1", "행위자 1"),
    "actor2": ("Actor 2", "행위자 2"),
    "type": ("Type", "유형"),
    "goldstein": ("Goldstein", "골드스타인 척도"),
    "source": ("Source", "출처"),
    "tracked": ("Tracked", "추적 조항"),
    "max_score": ("Max score", "최대 점수"),
}


def pick(lang: str | None) -> str:
    """``lang`` if it is one of :data:`LANGS`, else the default (English)."""
    return lang if lang in LANGS else DEFAULT


def translate(key: str, lang: str, **fields: str) -> str:
    """The label ``key`` in ``lang`` (the key itself if unknown), with ``{fields}`` filled in."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(pick(lang))]
    return text.format(**fields) if fields else text


def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang`` (handed to the page scripts, which show data labels)."""
    i = LANGS.index(pick(lang))
    return {key: pair[i] for key, pair in LABELS.items()}
