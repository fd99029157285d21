"""T1: training material and attendance."""

from stardesk.policy.training import training_gaps


def test_t1_agents_who_did_not_receive_or_attend_are_listed():
    # given a roster of four, material issued to three, attendance of two
    gaps = training_gaps(["1001", "1002", "999", "1003"], received=["1001", "1002", "999"],
                         attended=["1001", "999"])
    # then
    assert gaps.not_received == ("1003",)
    assert gaps.not_attended == ("1002", "1003")
